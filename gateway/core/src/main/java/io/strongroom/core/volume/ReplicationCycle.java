package io.strongroom.core.volume;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * One replication cycle as the primary started it (docs/REPLICAS.md): the replication snapshot taken for it, what it
 * ships, the primary volume's geometry and id (the sealed images' associated data binds them to it), and the
 * volume's DEKs wrapped under the replica's public key for this cycle.
 *
 * @param cycle      the name of the replication snapshot on the primary
 * @param created    when the primary took it
 * @param mode       what the cycle's pages hold
 * @param volumeId   the primary volume's id
 * @param deks       every DEK of the primary volume, RSA-OAEP-256-wrapped under the replica's public key
 */
public record ReplicationCycle(
        String cycle,
        Instant created,
        Mode mode,
        UUID volumeId,
        int blockSize,
        long blockCount,
        List<ShippedDek> deks) {

    /** The cycle as the primary answers it. */
    public JsonObject toJson() {
        JsonArray wrapped = new JsonArray();
        deks.forEach(d -> wrapped.add(new JsonObject()
                .put("id", d.id())
                .put("wrapped", Base64.getEncoder().encodeToString(d.wrapped()))));
        return new JsonObject()
                .put("cycle", cycle)
                .put("created", created.toString())
                .put("mode", mode.name().toLowerCase(Locale.ROOT))
                .put("volumeId", volumeId.toString())
                .put("blockSize", blockSize)
                .put("blockCount", blockCount)
                .put("deks", wrapped);
    }

    /** Reads a cycle as {@link #toJson} wrote it; IllegalArgumentException (or a ClassCastException) if malformed. */
    public static ReplicationCycle fromJson(JsonObject json) {
        List<ShippedDek> deks = json.getJsonArray("deks").stream()
                .map(o -> (JsonObject) o)
                .map(o -> new ShippedDek(o.getString("id"), Base64.getDecoder().decode(o.getString("wrapped"))))
                .toList();
        return new ReplicationCycle(
                json.getString("cycle"),
                Instant.parse(json.getString("created")),
                Mode.parse(json.getString("mode")),
                UUID.fromString(json.getString("volumeId")),
                json.getInteger("blockSize"),
                json.getLong("blockCount"),
                deks);
    }

    /** What a cycle ships. */
    public enum Mode {
        /** The blocks changed since the base snapshot (the base's preserved blocks), as they are in the cycle's. */
        INCREMENTAL,
        /** Every block, a zero marker for each empty one: the base is unknown, the replica's volume may hold anything. */
        FULL,
        /** Every non-empty block: the replica's volume is new and empty. */
        FRESH;

        /** The mode named {@code text} (lower case on the wire); IllegalArgumentException for another. */
        public static Mode parse(String text) {
            return valueOf(text.toUpperCase(Locale.ROOT));
        }
    }

    /** A DEK wrapped under the replica's ephemeral public key; opaque without its private key. */
    public record ShippedDek(String id, byte[] wrapped) {
        @Override
        public String toString() {
            return "ShippedDek[" + id + "]";
        }
    }
}
