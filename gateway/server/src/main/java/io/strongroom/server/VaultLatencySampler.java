package io.strongroom.server;

import io.strongroom.core.keys.KeyVaults;
import io.strongroom.core.metrics.LatencyHistogram;
import io.strongroom.vault.LatencySnapshot;
import io.strongroom.vault.VaultLatency;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Takes the vault clients' (and the PKCS#11 token's) interval latency snapshots, periodically and at each metrics scrape. Sampling on a
 * timer matters because the clients raise their slow-vault and cross-region warnings when a snapshot is taken.
 * Each (endpoint, region, operation) adds its intervals to a cumulative histogram ({@link
 * LatencyHistogram#VAULT_BUCKETS}), so the metric counts every call whoever samples first. The intervals hold values
 * to 3 significant digits: a call within 0.1% of a bucket bound may land in the next bucket. Thread-safe.
 */
final class VaultLatencySampler {

    /** One series: its labels, every call sampled so far, and the latest sampled interval that had calls. */
    record Series(
            String endpoint,
            String region,
            String operation,
            boolean crossRegion,
            LatencyHistogram latency,
            LatencySnapshot latestInterval) {}

    private final KeyVaults keys;
    private final Map<String, Series> series = new LinkedHashMap<>();

    VaultLatencySampler(KeyVaults keys) {
        this.keys = keys;
    }

    /** Consumes the clients' current intervals; returns every series seen so far. */
    synchronized List<Series> sample() {
        for (VaultLatency source : keys.latencies()) {
            for (LatencySnapshot s : source.snapshot()) {
                String key = s.endpoint() + " " + s.region() + " " + s.operation();
                Series one = series.get(key);
                if (one == null || s.count() > 0) {
                    LatencyHistogram latency =
                            one == null ? new LatencyHistogram(LatencyHistogram.VAULT_BUCKETS) : one.latency();
                    one = new Series(s.endpoint(), s.region(), s.operation(), s.crossRegion(), latency, s);
                    series.put(key, one);
                }
                for (HistogramIterationValue v : s.nanos().recordedValues()) {
                    one.latency().record(v.getValueIteratedTo(), v.getCountAtValueIteratedTo());
                }
            }
        }
        return List.copyOf(series.values());
    }

    /** The clients' current warnings (slow same-region p99, cross-region calls), without duplicates. */
    List<String> warnings() {
        Set<String> all = new LinkedHashSet<>();
        for (VaultLatency source : keys.latencies()) {
            all.addAll(source.warnings());
        }
        return new ArrayList<>(all);
    }
}
