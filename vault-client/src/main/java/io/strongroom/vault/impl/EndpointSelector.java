package io.strongroom.vault.impl;

import io.strongroom.vault.VaultEndpoint;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Chooses the endpoint for the next attempt: a healthy same-region endpoint first (in configured
 * order), then a healthy one in another region; when none is healthy, the one whose cool-down ends
 * first (so a call still has somewhere to go). An endpoint that failed with UNAVAILABLE is avoided
 * for the cool-down, then tried again; any HTTP answer marks it healthy.
 */
public final class EndpointSelector {
    private final List<VaultEndpoint> endpoints;
    private final String localRegion;
    private final long coolDownNanos;
    private final LongSupplier nanoClock;
    /** Per endpoint index: nanoTime until which it is avoided; Long.MIN_VALUE = healthy. */
    private final long[] unhealthyUntil;

    public EndpointSelector(
            List<VaultEndpoint> endpoints, String localRegion, Duration coolDown, LongSupplier nanoClock) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no endpoints");
        }
        this.endpoints = List.copyOf(endpoints);
        this.localRegion = localRegion;
        this.coolDownNanos = coolDown.toNanos();
        this.nanoClock = nanoClock;
        this.unhealthyUntil = new long[endpoints.size()];
        java.util.Arrays.fill(unhealthyUntil, Long.MIN_VALUE);
    }

    public synchronized VaultEndpoint choose() {
        long now = nanoClock.getAsLong();
        int sameRegion = -1;
        int otherRegion = -1;
        int soonest = 0;
        for (int i = 0; i < endpoints.size(); i++) {
            boolean healthy = unhealthyUntil[i] == Long.MIN_VALUE || now - unhealthyUntil[i] >= 0;
            if (healthy) {
                boolean local = endpoints.get(i).region().equals(localRegion);
                if (local && sameRegion < 0) {
                    sameRegion = i;
                } else if (!local && otherRegion < 0) {
                    otherRegion = i;
                }
            }
            if (unhealthyUntil[i] - unhealthyUntil[soonest] < 0) {
                soonest = i;
            }
        }
        int chosen = sameRegion >= 0 ? sameRegion : otherRegion >= 0 ? otherRegion : soonest;
        return endpoints.get(chosen);
    }

    public synchronized void markUnhealthy(VaultEndpoint endpoint) {
        int i = endpoints.indexOf(endpoint);
        if (i >= 0) {
            unhealthyUntil[i] = nanoClock.getAsLong() + coolDownNanos;
        }
    }

    public synchronized void markHealthy(VaultEndpoint endpoint) {
        int i = endpoints.indexOf(endpoint);
        if (i >= 0) {
            unhealthyUntil[i] = Long.MIN_VALUE;
        }
    }

    public synchronized boolean isHealthy(VaultEndpoint endpoint) {
        int i = endpoints.indexOf(endpoint);
        return i >= 0 && (unhealthyUntil[i] == Long.MIN_VALUE || nanoClock.getAsLong() - unhealthyUntil[i] >= 0);
    }

    public List<VaultEndpoint> endpoints() {
        return endpoints;
    }
}
