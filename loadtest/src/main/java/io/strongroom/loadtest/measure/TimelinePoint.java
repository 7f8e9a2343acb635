package io.strongroom.loadtest.measure;

/**
 * One measured interval (normally one second).
 *
 * @param endSeconds     end of the interval, seconds since the measurement started
 * @param requestsPerSec responses completed in the interval divided by its length
 * @param errors         non-2xx responses and failed requests in the interval
 * @param p50Millis      corrected p50 of the interval
 * @param p99Millis      corrected p99 of the interval
 * @param p99UncorrectedMillis uncorrected p99 of the interval
 * @param maxMillis      corrected max of the interval
 */
public record TimelinePoint(
        double endSeconds,
        double requestsPerSec,
        long errors,
        double p50Millis,
        double p99Millis,
        double p99UncorrectedMillis,
        double maxMillis) {}
