package io.strongroom.vault.impl;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter: the delay before retry n (0-based) is uniform in
 * [0, min(max, initial·2^n)], which spreads a burst of clients that failed together.
 */
public final class Backoff {
    private final long initialNanos;
    private final long maxNanos;
    private final LongUnaryOperator uniformBelow;

    /**
     * @param uniformBelow returns a uniform value in [0, bound] for a bound ≥ 0 (injectable for tests)
     */
    public Backoff(Duration initial, Duration max, LongUnaryOperator uniformBelow) {
        this.initialNanos = initial.toNanos();
        this.maxNanos = Math.max(initial.toNanos(), max.toNanos());
        this.uniformBelow = uniformBelow;
    }

    public static Backoff withRandomJitter(Duration initial, Duration max) {
        return new Backoff(
                initial,
                max,
                bound -> java.util.concurrent.ThreadLocalRandom.current().nextLong(bound + 1));
    }

    /** The cap for retry n: min(max, initial·2^n). */
    public long capNanos(int retry) {
        if (retry >= 62 || initialNanos > (maxNanos >> Math.min(retry, 62))) {
            return maxNanos;
        }
        return Math.min(maxNanos, initialNanos << retry);
    }

    public Duration delay(int retry) {
        return Duration.ofNanos(uniformBelow.applyAsLong(capNanos(retry)));
    }
}
