package io.strongroom.core.store;

import java.util.List;
import java.util.OptionalLong;

/**
 * Counters of a store since it was opened, the ones every backend has (monotonic, except the gauges
 * {@code cacheBytes} and {@code pendingWrites}), plus what only this backend counts, in {@link #details()}.
 *
 * @param reads         read calls completed (cache hits included)
 * @param readBytes     bytes returned by reads
 * @param cacheHits     reads served from the slot cache without backend I/O (0 without a cache)
 * @param cacheBytes    memory the slot cache holds now (a gauge)
 * @param writes        write calls acknowledged
 * @param writeBytes    slot bytes acknowledged
 * @param trims         trim calls acknowledged
 * @param flushes       flush calls completed
 * @param pendingWrites writes, trims and flushes accepted and not yet acknowledged, now (a gauge)
 * @param details       the backend's own counters and gauges, each name once
 */
public record BlockStoreStats(
        long reads,
        long readBytes,
        long cacheHits,
        long cacheBytes,
        long writes,
        long writeBytes,
        long trims,
        long flushes,
        int pendingWrites,
        List<StoreMetric> details) {

    /** A store that counts nothing. */
    public static final BlockStoreStats EMPTY = new BlockStoreStats(0, 0, 0, 0, 0, 0, 0, 0, 0, List.of());

    public BlockStoreStats {
        details = List.copyOf(details);
    }

    /** The value of the backend's own counter or gauge {@code name}, if it has one. */
    public OptionalLong detail(String name) {
        for (StoreMetric m : details) {
            if (m.name().equals(name)) {
                return OptionalLong.of(m.value());
            }
        }
        return OptionalLong.empty();
    }

    /** These counters as seen through a slot cache that served {@code hits} reads of {@code hitBytes}. */
    public BlockStoreStats withCache(long hits, long hitBytes, long cacheBytes) {
        return new BlockStoreStats(
                reads + hits,
                readBytes + hitBytes,
                cacheHits + hits,
                cacheBytes,
                writes,
                writeBytes,
                trims,
                flushes,
                pendingWrites,
                details);
    }
}
