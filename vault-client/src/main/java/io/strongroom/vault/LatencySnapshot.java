package io.strongroom.vault;

import org.HdrHistogram.Histogram;

/**
 * Latency of one (endpoint, operation) over one interval.
 *
 * @param operation   get | list | wrap | unwrap
 * @param crossRegion the endpoint's region differs from the client's
 * @param nanos       the interval's calls in nanoseconds (3 significant digits), a copy the caller may keep
 */
public record LatencySnapshot(
        String endpoint,
        String region,
        String operation,
        boolean crossRegion,
        long count,
        double p50Millis,
        double p99Millis,
        double maxMillis,
        Histogram nanos) {}
