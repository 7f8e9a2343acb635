package io.strongroom.core.store.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.jspecify.annotations.Nullable;

/**
 * Sealed slots of every volume of one store, in memory and bounded by bytes: the map behind
 * {@link CachingBlockStore}. Entries are never changed in place (a slot's bytes are replaced by a new array), so
 * a reader may hand them out without a copy. Eviction is Caffeine's (W-TinyLFU by weight), with its upkeep done
 * on the calling thread rather than on a pool. Which entries may be added or must be dropped, and when, is
 * {@link CachedVolume}'s business; this class only stores them.
 */
final class SlotCache {
    /** Rough cost of one entry beyond its bytes: key, node and array header. */
    static final int ENTRY_OVERHEAD = 96;

    private record Key(CachedVolume volume, long block) {}

    private final Cache<Key, byte[]> slots;

    /** A cache of at most {@code maxBytes} (entries' overhead included); {@code maxBytes} must be positive. */
    SlotCache(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("slot cache size must be positive, not " + maxBytes);
        }
        this.slots = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Key k, byte[] v) -> v.length + ENTRY_OVERHEAD)
                .executor(Runnable::run)
                .build();
    }

    /** Bytes held now (entries' overhead included), after any pending eviction. */
    long bytes() {
        slots.cleanUp();
        return slots.policy().eviction().orElseThrow().weightedSize().orElse(0);
    }

    /** The cached slot of the block, or null. */
    byte @Nullable [] get(CachedVolume volume, long block) {
        return slots.getIfPresent(new Key(volume, block));
    }

    /**
     * Caches the consecutive slots in {@code run}, the first being block {@code firstBlock}: copies of them, except
     * that a {@code handedOver} run of one slot that is a whole heap array (a sealed write) is kept as it is.
     */
    void put(CachedVolume volume, long firstBlock, Buffer run, int slotSize, boolean handedOver) {
        int count = run.length() / slotSize;
        if (handedOver && count == 1) {
            ByteBuf whole = ((BufferInternal) run).getByteBuf();
            if (whole.hasArray() && whole.arrayOffset() == 0 && whole.array().length == slotSize) {
                slots.put(new Key(volume, firstBlock), whole.array());
                return;
            }
        }
        for (int i = 0; i < count; i++) {
            slots.put(new Key(volume, firstBlock + i), run.getBytes(i * slotSize, (i + 1) * slotSize));
        }
    }

    /** Drops the cached slots of blocks {@code [firstBlock, endBlock)} (endBlock may be Long.MAX_VALUE). */
    void invalidate(CachedVolume volume, long firstBlock, long endBlock) {
        if (endBlock - firstBlock <= slots.estimatedSize()) {
            for (long b = firstBlock; b < endBlock; b++) {
                slots.invalidate(new Key(volume, b));
            }
        } else {
            slots.asMap().keySet().removeIf(k -> k.volume == volume && k.block >= firstBlock && k.block < endBlock);
        }
    }

    /** Drops every cached slot of the volume. */
    void invalidate(CachedVolume volume) {
        slots.asMap().keySet().removeIf(k -> k.volume == volume);
    }

    /** Drops everything (the store closed). */
    void clear() {
        slots.invalidateAll();
        slots.cleanUp();
    }
}
