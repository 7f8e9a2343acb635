package io.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VaultLatencyTest {
    private final VaultEndpoint near = new VaultEndpoint("https://near:443", "eastus");
    private final VaultEndpoint far = new VaultEndpoint("https://far:443", "westus");
    private final AtomicLong clock = new AtomicLong();

    private VaultLatency latency() {
        return new VaultLatency("eastus", Duration.ofMillis(50), Duration.ofMinutes(1), clock::get);
    }

    @Test
    void intervalSnapshotsPerEndpointAndOperation() {
        VaultLatency l = latency();
        for (int i = 1; i <= 100; i++) {
            l.record(near, "unwrap", Duration.ofMillis(i).toNanos() / 10);
        }
        l.record(near, "get", Duration.ofMillis(2).toNanos());
        List<LatencySnapshot> s = l.snapshot();
        assertEquals(2, s.size());
        LatencySnapshot unwrap = s.stream()
                .filter(x -> x.operation().equals("unwrap"))
                .findFirst()
                .orElseThrow();
        assertEquals(100, unwrap.count());
        assertEquals(5.0, unwrap.p50Millis(), 0.05);
        assertEquals(9.9, unwrap.p99Millis(), 0.05);
        assertEquals(10.0, unwrap.maxMillis(), 0.05);
        assertFalse(unwrap.crossRegion());
        assertTrue(l.warnings().isEmpty());
        List<LatencySnapshot> next = l.snapshot();
        assertEquals(0, next.get(0).count(), "snapshots are intervals");
    }

    @Test
    void crossRegionCallsWarnAtOnceAndRateLimitTheLog() {
        VaultLatency l = latency();
        l.record(far, "unwrap", 1_000_000);
        l.record(far, "unwrap", 1_000_000);
        assertEquals(1, l.warnings().size());
        assertTrue(l.warnings().get(0).contains("cross-region"));
        assertEquals(1, l.warningsLogged(), "second line within the interval is suppressed");
        assertEquals(2, l.crossRegionCalls());
        List<LatencySnapshot> s = l.snapshot();
        assertTrue(s.get(0).crossRegion());
        assertEquals(2, s.get(0).count());
        assertTrue(l.warnings().get(0).contains("2 unwrap calls"));
        clock.addAndGet(Duration.ofMinutes(1).toNanos());
        l.record(far, "unwrap", 1_000_000);
        assertEquals(2, l.warningsLogged());
    }

    @Test
    void slowSameRegionP99Warns() {
        VaultLatency l = latency();
        for (int i = 0; i < 100; i++) {
            l.record(near, "wrap", Duration.ofMillis(i < 95 ? 5 : 80).toNanos());
        }
        l.snapshot();
        assertEquals(1, l.warnings().size());
        assertTrue(
                l.warnings().get(0).startsWith("slow same-region vault: wrap p99 80."),
                l.warnings().get(0));
        l.snapshot();
        assertTrue(l.warnings().isEmpty(), "a quiet interval clears the warning");
    }

    @Test
    void keyGenerationIsRecordedButNotHeldToTheThreshold() {
        VaultLatency l = latency();
        l.record(near, "create", Duration.ofSeconds(2).toNanos());
        l.record(near, "rotate", Duration.ofSeconds(1).toNanos());
        l.record(near, "delete", Duration.ofMillis(80).toNanos());
        List<LatencySnapshot> s = l.snapshot();
        assertEquals(3, s.size());
        assertEquals(
                2000.0,
                s.stream()
                        .filter(x -> x.operation().equals("create"))
                        .findFirst()
                        .orElseThrow()
                        .maxMillis(),
                2.0);
        assertEquals(1, l.warnings().size(), l.warnings().toString());
        assertTrue(
                l.warnings().get(0).startsWith("slow same-region vault: delete p99"),
                l.warnings().get(0));
    }
}
