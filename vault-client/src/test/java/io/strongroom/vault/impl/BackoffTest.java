package io.strongroom.vault.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void capDoublesUpToMax() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2), bound -> bound);
        assertEquals(Duration.ofMillis(100), b.delay(0));
        assertEquals(Duration.ofMillis(200), b.delay(1));
        assertEquals(Duration.ofMillis(1600), b.delay(4));
        assertEquals(Duration.ofSeconds(2), b.delay(5));
        assertEquals(Duration.ofSeconds(2), b.delay(63));
        assertEquals(Duration.ofSeconds(2), b.delay(1000));
    }

    @Test
    void fullJitterStaysWithinBoundsAndSpreads() {
        Backoff b = Backoff.withRandomJitter(Duration.ofMillis(100), Duration.ofSeconds(2));
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 2000; i++) {
            long d = b.delay(3).toNanos();
            assertTrue(d >= 0 && d <= Duration.ofMillis(800).toNanos(), "out of bounds: " + d);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertTrue(min < Duration.ofMillis(100).toNanos(), "jitter should reach low values, min=" + min);
        assertTrue(max > Duration.ofMillis(700).toNanos(), "jitter should reach high values, max=" + max);
    }
}
