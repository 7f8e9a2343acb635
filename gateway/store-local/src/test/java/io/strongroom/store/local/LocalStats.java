package io.strongroom.store.local;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.BlockStoreStats;

/** The local backend's own counters ({@link BlockStoreStats#details()}) by name, for its tests. */
final class LocalStats {

    private LocalStats() {}

    static long detail(BlockStoreStats stats, String name) {
        return stats.detail(name).orElseThrow(() -> new AssertionError("no store detail " + name));
    }

    static long detail(BlockStore store, String name) {
        return detail(store.stats(), name);
    }
}
