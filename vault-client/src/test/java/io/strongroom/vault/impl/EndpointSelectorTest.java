package io.strongroom.vault.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.vault.VaultEndpoint;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EndpointSelectorTest {
    private final VaultEndpoint farA = new VaultEndpoint("https://far-a:443", "westus");
    private final VaultEndpoint near = new VaultEndpoint("https://near:443", "eastus");
    private final VaultEndpoint farB = new VaultEndpoint("https://far-b:443", "northeurope");
    private final AtomicLong clock = new AtomicLong(1_000);

    private EndpointSelector selector() {
        return new EndpointSelector(List.of(farA, near, farB), "eastus", Duration.ofSeconds(30), clock::get);
    }

    @Test
    void prefersSameRegionThenConfiguredOrder() {
        EndpointSelector s = selector();
        assertEquals(near, s.choose());
        s.markUnhealthy(near);
        assertFalse(s.isHealthy(near));
        assertEquals(farA, s.choose());
        s.markUnhealthy(farA);
        assertEquals(farB, s.choose());
    }

    @Test
    void coolDownExpiresAndSuccessHeals() {
        EndpointSelector s = selector();
        s.markUnhealthy(near);
        clock.addAndGet(Duration.ofSeconds(29).toNanos());
        assertEquals(farA, s.choose());
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        assertTrue(s.isHealthy(near));
        assertEquals(near, s.choose());
        s.markUnhealthy(near);
        s.markHealthy(near);
        assertEquals(near, s.choose());
    }

    @Test
    void allUnhealthyPicksTheOneRecoveringFirst() {
        EndpointSelector s = selector();
        s.markUnhealthy(farB);
        clock.addAndGet(1_000);
        s.markUnhealthy(near);
        clock.addAndGet(1_000);
        s.markUnhealthy(farA);
        assertEquals(farB, s.choose());
    }
}
