package io.strongroom.core.keys;

import io.strongroom.crypto.Dek;
import io.strongroom.crypto.DekId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The unwrapped DEKs held in memory, by id, with hit and miss counts for metrics. A DEK enters when it is
 * generated or unwrapped and leaves destroyed (key bytes zeroed): on volume delete, on close, and (issue 5) when
 * its KEK becomes inaccessible. A miss means a volume needed a DEK that is not unwrapped (yet).
 */
public final class DekCache {
    private final ConcurrentHashMap<DekId, Dek> deks = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /** The DEK, or null (counted as a miss) when it is not in memory. */
    public Dek get(DekId id) {
        Dek dek = deks.get(id);
        if (dek == null || dek.isDestroyed()) {
            misses.increment();
            return null;
        }
        hits.increment();
        return dek;
    }

    /** Whether the DEK is in memory, without counting a hit or miss. */
    public boolean contains(DekId id) {
        Dek dek = deks.get(id);
        return dek != null && !dek.isDestroyed();
    }

    /** Adds a DEK; a DEK already present under the same id wins and the new one is destroyed. */
    public Dek put(Dek dek) {
        Dek kept = deks.merge(dek.id(), dek, (old, fresh) -> old.isDestroyed() ? fresh : old);
        if (kept != dek) {
            dek.destroy();
        }
        return kept;
    }

    /** Removes and destroys the DEK if present. */
    public void destroy(DekId id) {
        Dek dek = deks.remove(id);
        if (dek != null) {
            dek.destroy();
        }
    }

    public void destroyAll() {
        deks.keySet().forEach(this::destroy);
    }

    public DekCacheStats stats() {
        return new DekCacheStats(hits.sum(), misses.sum(), deks.size());
    }

    @Override
    public String toString() {
        return "DekCache[" + stats() + "]";
    }

    /** Counters since start: lookups that found the DEK in memory, lookups that did not, DEKs held now. */
    public record DekCacheStats(long hits, long misses, int size) {}
}
