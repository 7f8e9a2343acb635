package io.strongroom.http;

/** The per-connection bounds of {@link LimitsConfig} in the units the event loops check them in. */
record ConnectionLimits(
        int maxConnections,
        long headerReadTimeoutNanos,
        long idleTimeoutNanos,
        long writeStallTimeoutNanos,
        int maxStreams,
        int maxStorageSlots,
        long maxPendingBytes) {

    ConnectionLimits(LimitsConfig limits) {
        this(
                limits.getMaxConnections(),
                limits.getHeaderReadTimeout().toNanos(),
                limits.getIdleTimeout().toNanos(),
                limits.getWriteStallTimeout().toNanos(),
                limits.getMaxStreamsPerConnection(),
                limits.getMaxStorageSlotsPerConnection(),
                // two of the largest answers: one being sent while the next is read from storage
                2L * limits.getMaxBodyBytes());
    }

    /** The shortest of the connection timeouts: the sweep runs often enough to honour it. */
    long shortestTimeoutNanos() {
        return Math.min(headerReadTimeoutNanos, Math.min(idleTimeoutNanos, writeStallTimeoutNanos));
    }
}
