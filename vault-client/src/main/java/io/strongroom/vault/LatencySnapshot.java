package io.strongroom.vault;

/**
 * Latency of one (endpoint, operation) over one interval.
 *
 * @param operation   get | list | wrap | unwrap
 * @param crossRegion the endpoint's region differs from the client's
 */
public record LatencySnapshot(
        String endpoint,
        String region,
        String operation,
        boolean crossRegion,
        long count,
        double p50Millis,
        double p99Millis,
        double maxMillis) {}
