package io.strongroom.server;

import io.strongroom.core.keys.KeyVaults;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.LatencySnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Takes the vault clients' interval latency snapshots, periodically and at each metrics scrape. Sampling on a
 * timer matters because the clients raise their slow-vault and cross-region warnings when a snapshot is taken.
 * Each (endpoint, region, operation) keeps a cumulative call count and the latest interval that had calls, so
 * the metrics are a monotonic counter plus recent quantiles whoever samples first. Thread-safe.
 */
final class VaultLatencySampler {

    /** One series: the latest interval with calls and the calls counted so far. */
    record Series(LatencySnapshot latest, long totalCalls) {}

    private final KeyVaults keys;
    private final Map<String, Series> series = new LinkedHashMap<>();

    VaultLatencySampler(KeyVaults keys) {
        this.keys = keys;
    }

    /** Consumes the clients' current intervals; returns every series seen so far. */
    synchronized List<Series> sample() {
        for (KeyVaultClient client : keys.clients().values()) {
            for (LatencySnapshot s : client.latency().snapshot()) {
                String key = s.endpoint() + " " + s.region() + " " + s.operation();
                Series before = series.get(key);
                long total = (before == null ? 0 : before.totalCalls()) + s.count();
                LatencySnapshot latest = s.count() > 0 || before == null ? s : before.latest();
                series.put(key, new Series(latest, total));
            }
        }
        return List.copyOf(series.values());
    }

    /** The clients' current warnings (slow same-region p99, cross-region calls), without duplicates. */
    List<String> warnings() {
        Set<String> all = new LinkedHashSet<>();
        for (KeyVaultClient client : keys.clients().values()) {
            all.addAll(client.latency().warnings());
        }
        return new ArrayList<>(all);
    }
}
