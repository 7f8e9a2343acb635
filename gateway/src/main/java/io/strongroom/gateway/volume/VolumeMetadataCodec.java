package io.strongroom.gateway.volume;

import io.strongroom.crypto.DekId;
import io.strongroom.crypto.WrappedDek;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The one class that owns the JSON layout of a volume's metadata document (mirrored in docs/FORMAT.md,
 * "Volume metadata"). Only wrapped DEKs are written; the document holds nothing secret.
 *
 * <pre>
 * {
 *   "format": 1,
 *   "id": "3f1c…-uuid",                      volume id (also in every sealed block's AAD)
 *   "name": "db1",
 *   "sizeBytes": 1073741824, "blockSize": 8192,
 *   "created": "2026-11-28T06:00:00Z",
 *   "kek": "https://vault/keys/name/version",  versioned id of the KEK that wrapped every DEK below
 *   "identity": "default",                     configured identity that reaches the KEK
 *   "activeDek": "32 hex",                     DEK sealing new writes
 *   "deks": [ { "wrapped": { WrappedDek JSON }, "reservedUntil": 131072 } ]
 * }
 * </pre>
 */
final class VolumeMetadataCodec {
  static final int FORMAT = 1;

  private VolumeMetadataCodec() {
  }

  static String encode(VolumeMetadata m) {
    JsonArray deks = new JsonArray();
    for (VolumeMetadata.DekRecord d : m.deks()) {
      deks.add(new JsonObject()
          .put("wrapped", new JsonObject(d.wrapped().toJson()))
          .put("reservedUntil", d.reservedUntil()));
    }
    return new JsonObject()
        .put("format", FORMAT)
        .put("id", m.id().toString())
        .put("name", m.name())
        .put("sizeBytes", m.sizeBytes())
        .put("blockSize", m.blockSize())
        .put("created", m.created().toString())
        .put("kek", m.kekId())
        .put("identity", m.identity())
        .put("activeDek", m.activeDek().toString())
        .put("deks", deks)
        .encode();
  }

  /** Parses a document; IllegalArgumentException naming what is wrong. */
  static VolumeMetadata decode(String json) {
    try {
      JsonObject o = new JsonObject(json);
      int format = required(o.getInteger("format"), "format");
      if (format != FORMAT) {
        throw new IllegalArgumentException("unsupported volume metadata format " + format);
      }
      List<VolumeMetadata.DekRecord> deks = new ArrayList<>();
      for (Object entry : required(o.getJsonArray("deks"), "deks")) {
        if (!(entry instanceof JsonObject d)) {
          throw new IllegalArgumentException("deks entries must be objects");
        }
        WrappedDek wrapped = WrappedDek.fromJson(required(d.getJsonObject("wrapped"), "deks.wrapped").encode());
        long reservedUntil = required(d.getLong("reservedUntil"), "deks.reservedUntil");
        if (reservedUntil < 0) {
          throw new IllegalArgumentException("deks.reservedUntil must be >= 0");
        }
        deks.add(new VolumeMetadata.DekRecord(wrapped, reservedUntil));
      }
      return new VolumeMetadata(
          UUID.fromString(required(o.getString("id"), "id")),
          required(o.getString("name"), "name"),
          required(o.getLong("sizeBytes"), "sizeBytes"),
          required(o.getInteger("blockSize"), "blockSize"),
          Instant.parse(required(o.getString("created"), "created")),
          required(o.getString("kek"), "kek"),
          required(o.getString("identity"), "identity"),
          DekId.parse(required(o.getString("activeDek"), "activeDek")),
          deks);
    } catch (DecodeException | ClassCastException | java.time.format.DateTimeParseException e) {
      throw new IllegalArgumentException("bad volume metadata: " + e.getMessage(), e);
    }
  }

  private static <T> T required(T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException("volume metadata lacks " + field);
    }
    return value;
  }
}
