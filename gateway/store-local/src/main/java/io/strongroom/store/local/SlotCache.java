package io.strongroom.store.local;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;

/**
 * Recently written and read slots of every volume, in memory and bounded by bytes, so that a read of a hot block
 * needs no file I/O and therefore no hand-off to the read pool: on a busy core that hand-off (two thread switches)
 * costs more than the read and its decryption together (docs/PERFORMANCE.md).
 *
 * <p>It holds slots as stored, sealed: it needs no key, and a revoked key leaves nothing readable in it. It is kept
 * exact by the volume's slot lock: a write replaces its slots' entries while holding the lock exclusively, a read
 * from the file adds the slots it read while holding it shared, a trim removes its range after zeroing it, and a
 * read from the cache holds the lock shared like a read from the file, so it sees a run as the file would. Entries
 * are never changed in place, so a hit hands out a read-only view of them, no copy. Eviction is Caffeine's
 * (W-TinyLFU by weight), with its upkeep done on the calling thread rather than on a pool.
 */
final class SlotCache {
    /** Rough cost of one entry beyond its bytes: key, node and array header. */
    private static final int ENTRY_OVERHEAD = 96;

    private record Key(LocalVolume volume, long block) {}

    private final Cache<Key, byte[]> slots;

    /** A cache of at most {@code maxBytes} (entries included); 0 turns it off. */
    SlotCache(long maxBytes) {
        this.slots = maxBytes == 0
                ? null
                : Caffeine.newBuilder()
                        .maximumWeight(maxBytes)
                        .weigher((Key k, byte[] v) -> v.length + ENTRY_OVERHEAD)
                        .executor(Runnable::run)
                        .build();
    }

    /** Bytes held now (entries included), after any pending eviction. */
    long bytes() {
        if (slots == null) {
            return 0;
        }
        slots.cleanUp();
        return slots.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    /**
     * A read-only view of the run's cached slots, or null unless every one of them is cached. Caller holds the
     * slot lock.
     */
    ByteBuf get(LocalVolume volume, long firstBlock, int count) {
        if (slots == null) {
            return null;
        }
        byte[][] run = new byte[count][];
        for (int i = 0; i < count; i++) {
            run[i] = slots.getIfPresent(new Key(volume, firstBlock + i));
            if (run[i] == null) {
                return null;
            }
        }
        return Unpooled.wrappedBuffer(run).asReadOnly();
    }

    /** Caches copies of the {@code count} slots in {@code run} (position onwards). Caller holds the slot lock. */
    void put(LocalVolume volume, long firstBlock, int count, int slotSize, ByteBuffer run) {
        if (slots == null) {
            return;
        }
        int at = run.position();
        for (int i = 0; i < count; i++) {
            byte[] one = new byte[slotSize];
            run.get(at + i * slotSize, one);
            slots.put(new Key(volume, firstBlock + i), one);
        }
    }

    /** Drops the cached slots of blocks {@code firstBlock .. firstBlock + count - 1}. */
    void invalidate(LocalVolume volume, long firstBlock, long count) {
        if (slots == null) {
            return;
        }
        if (count <= slots.estimatedSize()) {
            for (long b = firstBlock; b < firstBlock + count; b++) {
                slots.invalidate(new Key(volume, b));
            }
        } else {
            long end = firstBlock + count;
            slots.asMap().keySet().removeIf(k -> k.volume == volume && k.block >= firstBlock && k.block < end);
        }
    }

    /** Drops every cached slot of the volume (closed or deleted). */
    void invalidate(LocalVolume volume) {
        if (slots != null) {
            slots.asMap().keySet().removeIf(k -> k.volume == volume);
        }
    }
}
