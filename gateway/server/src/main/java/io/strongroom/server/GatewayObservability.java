package io.strongroom.server;

import io.strongroom.core.health.HealthCheck;
import io.strongroom.core.health.HealthReport;
import io.strongroom.core.health.HealthStatus;
import io.strongroom.core.keys.DekCache;
import io.strongroom.core.keys.KeyAccessSnapshot;
import io.strongroom.core.keys.KeyState;
import io.strongroom.core.keys.KeyStateReport;
import io.strongroom.core.keys.KeyVaults;
import io.strongroom.core.metrics.JvmMetrics;
import io.strongroom.core.metrics.MetricCatalog;
import io.strongroom.core.metrics.MetricsRegistry;
import io.strongroom.core.metrics.PrometheusWriter;
import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.BlockStoreStats;
import io.strongroom.core.store.Durability;
import io.strongroom.core.store.StoreMetricsSource;
import io.strongroom.core.store.VolumeFault;
import io.strongroom.core.volume.CloneStats;
import io.strongroom.core.volume.VolumeService;
import io.strongroom.crypto.AesNiReport;
import io.strongroom.vault.LatencySnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's metrics sources and its detailed health report: key states per KEK, DEK cache, vault
 * latency per endpoint/operation/region, clones, AES-NI probe, storage, transport, build, JVM and process. Reads in-memory
 * state and /proc/self/status.
 */
final class GatewayObservability implements HealthCheck {
    private final KeyVaults keys;
    private final VolumeService volumes;
    private final BlockStore store;
    private final Durability durability;
    private final AesNiReport aesNi;
    private final String transport;
    private final String tlsEngine;
    private final VaultLatencySampler vaultLatency;

    GatewayObservability(
            KeyVaults keys,
            VolumeService volumes,
            BlockStore store,
            Durability durability,
            AesNiReport aesNi,
            String transport,
            String tlsEngine) {
        this.keys = keys;
        this.volumes = volumes;
        this.store = store;
        this.durability = durability;
        this.aesNi = aesNi;
        this.transport = transport;
        this.tlsEngine = tlsEngine;
        this.vaultLatency = new VaultLatencySampler(keys);
    }

    /** Samples vault latency (the clients log slow-vault and cross-region warnings when sampled). */
    void sampleVaultLatency() {
        vaultLatency.sample();
    }

    void registerMetrics(MetricsRegistry registry) {
        registry.register(this::keyStates)
                .register(this::dekCache)
                .register(this::vaultLatency)
                .register(this::clones)
                .register(this::aesNi)
                .register(new StoreMetricsSource(store))
                .register(this::buildInfo)
                .register(this::transportInfo)
                .register(new JvmMetrics());
    }

    @Override
    public HealthReport report() {
        List<KeyStateReport> keyStates = new ArrayList<>();
        for (KeyAccessSnapshot s : keys.keyStates()) {
            keyStates.add(KeyStateReport.of(s, keys.accessContext().volumesUnder(s.kek())));
        }
        List<VolumeFault> faults = store.volumeFaults();
        HealthStatus status = HealthStatus.of(
                keyStates.stream().map(KeyStateReport::state).toList(), aesNi.intrinsicsOn(), faults.size());
        Map<String, Map<String, Object>> details = new LinkedHashMap<>();
        details.put("aesNi", aesNi.toMap());
        details.put("storage", storageDetails(faults));
        details.put("keyAccess", keyAccessDetails());
        details.put("vault", vaultDetails());
        Map<String, Object> transportDetails = new LinkedHashMap<>();
        transportDetails.put("transport", transport);
        transportDetails.put("tlsEngine", tlsEngine);
        details.put("transport", transportDetails);
        return new HealthReport(status, keyStates, details);
    }

    /**
     * The grace period, and for each DEGRADED KEK when it goes INACCESSIBLE without a success and how many seconds
     * are left until then (counted here, so a viewer's clock does not matter).
     */
    private Map<String, Object> keyAccessDetails() {
        Duration grace = keys.accessContext().gracePeriod();
        Instant now = keys.accessContext().clock().instant();
        List<Map<String, Object>> deadlines = new ArrayList<>();
        for (KeyAccessSnapshot s : keys.keyStates()) {
            if (s.state() == KeyState.DEGRADED) {
                Instant at = s.since().plus(grace);
                Map<String, Object> deadline = new LinkedHashMap<>();
                deadline.put("kek", s.kek().keyUrl());
                deadline.put("identity", s.kek().identity());
                deadline.put("inaccessibleAt", at.toString());
                deadline.put(
                        "secondsLeft", Math.max(0, Duration.between(now, at).toSeconds()));
                deadlines.add(deadline);
            }
        }
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("gracePeriodSeconds", grace.toSeconds());
        section.put("deadlines", deadlines);
        return section;
    }

    /** The clients' warnings and, per endpoint, region and operation, the calls so far and the latencies of the
     * latest sampled interval that had calls. */
    private Map<String, Object> vaultDetails() {
        List<Map<String, Object>> latency = new ArrayList<>();
        for (VaultLatencySampler.Series s : vaultLatency.sample()) {
            LatencySnapshot l = s.latestInterval();
            Map<String, Object> series = new LinkedHashMap<>();
            series.put("endpoint", s.endpoint());
            series.put("region", s.region());
            series.put("operation", s.operation());
            series.put("crossRegion", s.crossRegion());
            series.put("calls", s.latency().count());
            series.put("p50Ms", l.p50Millis());
            series.put("p99Ms", l.p99Millis());
            series.put("maxMs", l.maxMillis());
            latency.add(series);
        }
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("warnings", vaultLatency.warnings());
        section.put("latency", latency);
        return section;
    }

    /** The store's settings and counters, and the volumes it does not fully serve (an empty list while all work). */
    private Map<String, Object> storageDetails(List<VolumeFault> faults) {
        BlockStoreStats stats = store.stats();
        Map<String, Object> storage = new LinkedHashMap<>();
        storage.put("durability", durability.configName());
        storage.put("pendingWrites", store.pendingWrites());
        storage.put("maxPendingWrites", store.maxPendingWrites());
        storage.put("writes", stats.writes());
        storage.put("reads", stats.reads());
        storage.put("cacheHits", stats.cacheHits());
        storage.put("cacheBytes", stats.cacheBytes());
        stats.details().forEach(d -> storage.put(d.name(), d.value()));
        List<Map<String, Object>> faulted = new ArrayList<>();
        for (VolumeFault f : faults) {
            Map<String, Object> volume = new LinkedHashMap<>();
            volume.put("volumeId", f.volumeId().toString());
            volume.put("state", f.state().label());
            volume.put("cause", f.cause());
            volume.put("since", f.since().toString());
            faulted.add(volume);
        }
        storage.put("faultedVolumes", faulted);
        return storage;
    }

    private void keyStates(PrometheusWriter out) {
        List<KeyAccessSnapshot> states = keys.keyStates();
        out.family(MetricCatalog.KEY_STATE);
        for (KeyAccessSnapshot s : states) {
            for (KeyState state : KeyState.values()) {
                out.sample(
                        MetricCatalog.KEY_STATE,
                        s.state() == state ? 1 : 0,
                        "kek",
                        s.kek().keyUrl(),
                        "identity",
                        s.kek().identity(),
                        "state",
                        state.name());
            }
        }
        out.family(MetricCatalog.KEY_STATE_SINCE);
        for (KeyAccessSnapshot s : states) {
            out.sample(
                    MetricCatalog.KEY_STATE_SINCE,
                    s.since().getEpochSecond(),
                    "kek",
                    s.kek().keyUrl(),
                    "identity",
                    s.kek().identity());
        }
    }

    private void dekCache(PrometheusWriter out) {
        DekCache.DekCacheStats stats = keys.dekCache().stats();
        out.family(MetricCatalog.DEK_CACHE_HITS);
        out.sample(MetricCatalog.DEK_CACHE_HITS, stats.hits());
        out.family(MetricCatalog.DEK_CACHE_MISSES);
        out.sample(MetricCatalog.DEK_CACHE_MISSES, stats.misses());
        out.family(MetricCatalog.DEK_CACHE_SIZE);
        out.sample(MetricCatalog.DEK_CACHE_SIZE, stats.size());
    }

    /** Vault call latency, every call sampled so far. */
    private void vaultLatency(PrometheusWriter out) {
        out.family(MetricCatalog.VAULT_CALL_DURATION);
        for (VaultLatencySampler.Series s : vaultLatency.sample()) {
            s.latency()
                    .writeTo(
                            out,
                            MetricCatalog.VAULT_CALL_DURATION,
                            "endpoint",
                            s.endpoint(),
                            "region",
                            s.region(),
                            "operation",
                            s.operation(),
                            "cross_region",
                            Boolean.toString(s.crossRegion()));
        }
    }

    private void clones(PrometheusWriter out) {
        CloneStats stats = volumes.cloneStats();
        out.family(MetricCatalog.CLONE_BLOCKS);
        out.sample(MetricCatalog.CLONE_BLOCKS, stats.blocksCopied());
        out.family(MetricCatalog.CLONES_RUNNING);
        out.sample(MetricCatalog.CLONES_RUNNING, stats.running());
    }

    private void aesNi(PrometheusWriter out) {
        out.family(MetricCatalog.AES_INTRINSICS);
        out.sample(MetricCatalog.AES_INTRINSICS, aesNi.intrinsicsOn() ? 1 : 0);
        out.family(MetricCatalog.AES_SELFTEST_THROUGHPUT);
        out.sample(MetricCatalog.AES_SELFTEST_THROUGHPUT, aesNi.selfTestMBps() * 1e6);
    }

    private void buildInfo(PrometheusWriter out) {
        out.family(MetricCatalog.BUILD_INFO);
        out.sample(
                MetricCatalog.BUILD_INFO,
                1,
                "version",
                BuildInfo.version(),
                "revision",
                BuildInfo.commit(),
                "java_version",
                System.getProperty("java.version"));
    }

    private void transportInfo(PrometheusWriter out) {
        out.family(MetricCatalog.TRANSPORT_INFO);
        out.sample(MetricCatalog.TRANSPORT_INFO, 1, "transport", transport, "tls_engine", tlsEngine);
    }
}
