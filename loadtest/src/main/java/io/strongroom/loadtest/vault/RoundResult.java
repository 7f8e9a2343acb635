package io.strongroom.loadtest.vault;

import io.strongroom.vault.LatencySnapshot;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * One storm: N unwraps issued with a bounded number in flight.
 *
 * @param latency   per-unwrap latency as the caller saw it (nanoseconds), retries included
 * @param perEndpoint the vault client's own latency per endpoint, region and operation for this round
 */
public record RoundResult(
        int round,
        int unwraps,
        long failures,
        long mismatches,
        double seconds,
        Histogram latency,
        List<LatencySnapshot> perEndpoint) {

    public double unwrapsPerSecond() {
        return seconds > 0 ? (unwraps - failures) / seconds : 0;
    }
}
