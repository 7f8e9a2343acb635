package io.strongroom.core.volume;

import io.vertx.core.json.JsonObject;

/**
 * A snapshot of one volume's activity since the process started, except {@code dekInvocations}, which is the
 * persisted seal count of the volume's DEKs (it survives restarts and may over-count after a crash).
 */
public record VolumeCounters(long reads, long writes, long bytesIn, long bytesOut, long dekInvocations) {
    public JsonObject toJson() {
        return new JsonObject()
                .put("reads", reads)
                .put("writes", writes)
                .put("bytesIn", bytesIn)
                .put("bytesOut", bytesOut)
                .put("dekInvocations", dekInvocations);
    }
}
