package io.strongroom.vault.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-11-28T06:00:00Z");

    @Test
    void secondsAndHttpDate() {
        assertEquals(Duration.ofSeconds(3), RetryAfter.parse("3", NOW));
        assertEquals(Duration.ofSeconds(3), RetryAfter.parse(" 3 ", NOW));
        assertEquals(Duration.ofSeconds(90), RetryAfter.parse("Sat, 28 Nov 2026 06:01:30 GMT", NOW));
        assertEquals(Duration.ZERO, RetryAfter.parse("Sat, 28 Nov 2026 05:00:00 GMT", NOW));
    }

    @Test
    void junkIsIgnored() {
        assertNull(RetryAfter.parse(null, NOW));
        assertNull(RetryAfter.parse("", NOW));
        assertNull(RetryAfter.parse("-1", NOW));
        assertNull(RetryAfter.parse("soon", NOW));
    }
}
