package io.strongroom.core.store;

import io.strongroom.core.metrics.Metric;
import io.strongroom.core.metrics.MetricsSource;
import io.strongroom.core.metrics.PrometheusWriter;
import java.util.List;

/**
 * The {@code strongroom_store_*} families of {@code GET /metrics} for one store: the ones every backend has,
 * declared here once, then each of the backend's own ({@link BlockStoreStats#details()}, {@link StoreMetric#metric()}).
 */
public final class StoreMetricsSource implements MetricsSource {

    public static final Metric READS =
            new Metric("strongroom_store_reads_total", Metric.Type.COUNTER, "Store read calls");
    public static final Metric READ_BYTES =
            new Metric("strongroom_store_read_bytes_total", Metric.Type.COUNTER, "Bytes read from the store");
    public static final Metric CACHE_HITS = new Metric(
            "strongroom_store_cache_hits_total",
            Metric.Type.COUNTER,
            "Store reads served from the slot cache, without backend I/O");
    public static final Metric CACHE_BYTES =
            new Metric("strongroom_store_cache_bytes", Metric.Type.GAUGE, "Memory held by the slot cache");
    public static final Metric WRITES =
            new Metric("strongroom_store_writes_total", Metric.Type.COUNTER, "Store write calls acknowledged");
    public static final Metric WRITE_BYTES =
            new Metric("strongroom_store_write_bytes_total", Metric.Type.COUNTER, "Slot bytes written to the store");
    public static final Metric TRIMS =
            new Metric("strongroom_store_trims_total", Metric.Type.COUNTER, "Store trim calls acknowledged");
    public static final Metric FLUSHES =
            new Metric("strongroom_store_flushes_total", Metric.Type.COUNTER, "Store flush calls completed");
    public static final Metric PENDING_WRITES = new Metric(
            "strongroom_store_pending_writes",
            Metric.Type.GAUGE,
            "Writes, trims and flushes accepted and not yet acknowledged");

    /** One sample of 1 per volume the store does not fully serve ({@link BlockStore#volumeFaults()}). */
    public static final Metric VOLUME_FAULT = new Metric(
            "strongroom_store_volume_fault",
            Metric.Type.GAUGE,
            "1 per volume not fully served: state no_space (reads only until space returns) or stopped (until a restart)");

    /**
     * The families every store has, in page order (the backend's own come before {@link #PENDING_WRITES}, the volume
     * faults last).
     */
    public static final List<Metric> GENERIC = List.of(
            READS,
            READ_BYTES,
            CACHE_HITS,
            CACHE_BYTES,
            WRITES,
            WRITE_BYTES,
            TRIMS,
            FLUSHES,
            PENDING_WRITES,
            VOLUME_FAULT);

    private final BlockStore store;

    public StoreMetricsSource(BlockStore store) {
        this.store = store;
    }

    @Override
    public void writeTo(PrometheusWriter out) {
        BlockStoreStats s = store.stats();
        single(out, READS, s.reads());
        single(out, READ_BYTES, s.readBytes());
        single(out, CACHE_HITS, s.cacheHits());
        single(out, CACHE_BYTES, s.cacheBytes());
        single(out, WRITES, s.writes());
        single(out, WRITE_BYTES, s.writeBytes());
        single(out, TRIMS, s.trims());
        single(out, FLUSHES, s.flushes());
        for (StoreMetric m : s.details()) {
            single(out, m.metric(), m.value());
        }
        single(out, PENDING_WRITES, s.pendingWrites());
        out.family(VOLUME_FAULT);
        for (VolumeFault f : store.volumeFaults()) {
            out.sample(
                    VOLUME_FAULT,
                    1,
                    "volume_id",
                    f.volumeId().toString(),
                    "state",
                    f.state().label());
        }
    }

    private static void single(PrometheusWriter out, Metric metric, long value) {
        out.family(metric);
        out.sample(metric, value);
    }
}
