package io.strongroom.core.volume;

import io.strongroom.core.keys.KeyState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What the API shows about a volume. No key material: DEK ids and the KEK identifier are not secret.
 *
 * @param kekId           versioned key identifier URL of the KEK wrapping the volume's DEKs
 * @param keyState        access state of that KEK
 * @param keyStateSince   when the KEK entered {@code keyState}
 * @param keyStateCause   while the KEK is not AVAILABLE: the cause's stable name, as in 503 messages, activity events,
 *                        alerts and health (e.g. {@code keyDisabled}); null otherwise
 * @param keyStateCauseDetail while the KEK is not AVAILABLE: the last failure for operators (e.g.
 *                        {@code KEY_DISABLED (probe: key disabled)}); null otherwise
 * @param dekIds          ids of the volume's DEKs, the active (sealing) one first
 * @param activeDekCreated when the active DEK was generated (its age is what a rollover resets)
 * @param autoFollow      whether the volume re-wraps on its own when its KEK gets a new version
 * @param rollover        the re-seal after the last DEK rollover while it is not done, else null
 * @param clonedFrom      the snapshot the volume was cloned from and, while it is copied, the copy's progress;
 *                        null for a volume created empty
 */
public record VolumeInfo(
        UUID id,
        String name,
        long sizeBytes,
        int blockSize,
        long blockCount,
        String kekId,
        KeyState keyState,
        Instant keyStateSince,
        @Nullable String keyStateCause,
        @Nullable String keyStateCauseDetail,
        List<String> dekIds,
        Instant activeDekCreated,
        VolumeCounters counters,
        Instant created,
        boolean autoFollow,
        @Nullable Rollover rollover,
        @Nullable Clone clonedFrom) {

    /**
     * Where a cloned volume comes from (docs/SNAPSHOTS.md, "Clones").
     *
     * @param sourceVolume the parent volume's name when the clone was made
     * @param snapshot     the snapshot's name
     * @param state        CLONING (blocks are being copied; the volume serves no request yet) or DONE
     * @param started      when the clone was asked for
     * @param progress     while CLONING, the copy so far (null before the first run is done); null once DONE
     */
    public record Clone(
            String sourceVolume,
            String snapshot,
            String state,
            Instant started,
            BlockCopy.@Nullable Progress progress) {
        JsonObject toJson() {
            JsonObject json = new JsonObject()
                    .put("sourceVolume", sourceVolume)
                    .put("snapshot", snapshot)
                    .put("state", state)
                    .put("started", started.toString());
            if (progress != null) {
                json.put("blocksScanned", progress.scanned())
                        .put("blocksCopied", progress.copied())
                        .put("blocksTotal", progress.total());
            }
            return json;
        }
    }

    /**
     * Progress of the background re-seal after a DEK rollover.
     *
     * @param state    RESEALING (the pass runs) or RESEAL_PENDING (it waits, e.g. for a DEK to be unwrapped)
     * @param scanned  blocks scanned so far
     * @param resealed blocks found under an older DEK and re-sealed with the active one
     * @param total    blocks of the volume (the pass ends when {@code scanned == total})
     * @param started  when the rollover happened
     */
    public record Rollover(String state, long scanned, long resealed, long total, Instant started) {
        JsonObject toJson() {
            return new JsonObject()
                    .put("state", state)
                    .put("blocksScanned", scanned)
                    .put("blocksResealed", resealed)
                    .put("blocksTotal", total)
                    .put("started", started.toString());
        }
    }

    public VolumeInfo {
        dekIds = List.copyOf(dekIds);
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("id", id.toString())
                .put("name", name)
                .put("sizeBytes", sizeBytes)
                .put("blockSize", blockSize)
                .put("blockCount", blockCount)
                .put("kek", kekId)
                .put("keyState", keyState.name())
                .put("keyStateSince", keyStateSince.toString());
        if (keyStateCause != null) {
            json.put("keyStateCause", keyStateCause).put("keyStateCauseDetail", keyStateCauseDetail);
        }
        return json.put("dekIds", new JsonArray(List.copyOf(dekIds)))
                .put("activeDekCreated", activeDekCreated.toString())
                .put("counters", counters.toJson())
                .put("created", created.toString())
                .put("autoFollow", autoFollow)
                .put("rollover", rollover == null ? null : rollover.toJson())
                .put("clone", clonedFrom == null ? null : clonedFrom.toJson());
    }
}
