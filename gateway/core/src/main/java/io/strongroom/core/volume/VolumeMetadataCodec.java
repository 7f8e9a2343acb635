package io.strongroom.core.volume;

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
 *   "deks": [ { "wrapped": { WrappedDek JSON }, "reservedUntil": 131072, "created": "ISO-8601" } ],
 *   "autoFollow": false,                       optional: re-wrap when the KEK gets a new version
 *   "reseal": { "cursor": 0, "scanned": 0, "resealed": 0, "started": "ISO-8601" }   optional: pass in progress
 *   "clone": { "volume": "db0", "volumeId": "uuid", "snapshot": "s1", "snapshotId": "uuid",
 *              "started": "ISO-8601", "state": "cloning" | "done" }    optional: the snapshot it was cloned from
 * }
 * </pre>
 * The optional fields were added with KEK rotation, DEK rollover and clones; a document without them is read as
 * before (no auto-follow, no pass in progress, DEK created when first wrapped, not a clone), so the format number
 * stays 1.
 */
final class VolumeMetadataCodec {
    static final int FORMAT = 1;

    private VolumeMetadataCodec() {}

    static String encode(VolumeMetadata m) {
        JsonArray deks = new JsonArray();
        for (VolumeMetadata.DekRecord d : m.deks()) {
            deks.add(new JsonObject()
                    .put("wrapped", new JsonObject(d.wrapped().toJson()))
                    .put("reservedUntil", d.reservedUntil())
                    .put("created", d.created().toString()));
        }
        JsonObject doc = new JsonObject()
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
                .put("autoFollow", m.autoFollow());
        ResealProgress r = m.reseal();
        if (r != null) {
            doc.put(
                    "reseal",
                    new JsonObject()
                            .put("cursor", r.cursor())
                            .put("scanned", r.scanned())
                            .put("resealed", r.resealed())
                            .put("started", r.started().toString()));
        }
        CloneOrigin c = m.origin();
        if (c != null) {
            doc.put(
                    "clone",
                    new JsonObject()
                            .put("volume", c.volume())
                            .put("volumeId", c.volumeId().toString())
                            .put("snapshot", c.snapshot())
                            .put("snapshotId", c.snapshotId().toString())
                            .put("started", c.started().toString())
                            .put("state", c.finished() ? "done" : "cloning"));
        }
        return doc.encode();
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
                WrappedDek wrapped = WrappedDek.fromJson(
                        required(d.getJsonObject("wrapped"), "deks.wrapped").encode());
                long reservedUntil = required(d.getLong("reservedUntil"), "deks.reservedUntil");
                if (reservedUntil < 0) {
                    throw new IllegalArgumentException("deks.reservedUntil must be >= 0");
                }
                String created = d.getString("created");
                deks.add(new VolumeMetadata.DekRecord(
                        wrapped, reservedUntil, created == null ? wrapped.created() : Instant.parse(created)));
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
                    deks,
                    Boolean.TRUE.equals(o.getBoolean("autoFollow")),
                    reseal(o.getJsonObject("reseal")),
                    clone(o.getJsonObject("clone")));
        } catch (DecodeException | ClassCastException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("bad volume metadata: " + e.getMessage(), e);
        }
    }

    private static ResealProgress reseal(JsonObject r) {
        if (r == null) {
            return null;
        }
        long cursor = required(r.getLong("cursor"), "reseal.cursor");
        if (cursor < 0) {
            throw new IllegalArgumentException("reseal.cursor must be >= 0");
        }
        return new ResealProgress(
                cursor,
                required(r.getLong("scanned"), "reseal.scanned"),
                required(r.getLong("resealed"), "reseal.resealed"),
                Instant.parse(required(r.getString("started"), "reseal.started")));
    }

    private static CloneOrigin clone(JsonObject c) {
        if (c == null) {
            return null;
        }
        String state = required(c.getString("state"), "clone.state");
        if (!state.equals("cloning") && !state.equals("done")) {
            throw new IllegalArgumentException("clone.state must be cloning or done");
        }
        return new CloneOrigin(
                required(c.getString("volume"), "clone.volume"),
                UUID.fromString(required(c.getString("volumeId"), "clone.volumeId")),
                required(c.getString("snapshot"), "clone.snapshot"),
                UUID.fromString(required(c.getString("snapshotId"), "clone.snapshotId")),
                Instant.parse(required(c.getString("started"), "clone.started")),
                state.equals("done"));
    }

    private static <T> T required(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("volume metadata lacks " + field);
        }
        return value;
    }
}
