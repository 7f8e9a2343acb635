package io.strongroom.core.store.cache;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.StampedLock;
import org.jspecify.annotations.Nullable;

/**
 * The cache's view of one incarnation of a volume (a volume deleted and created again under the same id is a new
 * incarnation, so nothing cached for the old one is ever served for the new one), and the sequencing that keeps
 * the cache exact over a backend it cannot see into.
 *
 * <p>The wrapper sees an operation only when it is issued and when the backend acknowledges it, never the moment
 * the backend applies it. So every write and trim is registered as <em>pending</em> over its block range before
 * it is handed to the backend, and every read that may fill the cache is registered too:
 * <ul>
 *   <li>a mutation, when issued, drops the cached slots of its range and marks every pending operation that
 *       overlaps it <em>superseded</em>: whatever they bring back may already be older than the backend;</li>
 *   <li>a read issued while an overlapping mutation is pending is not registered: it is never cached;</li>
 *   <li>on acknowledgement, a write that was not superseded caches its slots, a read that was not superseded
 *       caches what it read; a trim caches nothing (its range was dropped when it was issued).</li>
 * </ul>
 * So while any mutation of a block is pending the block is not cached, and what is cached afterwards is what the
 * backend holds (this assumes what the {@code BlockStore} contract promises: a read issued after a write or trim
 * was acknowledged sees it). The check of a pending operation and the insertion of its slots happen under this
 * object's monitor, as do registration and supersession, so a mutation issued in between cannot be missed.
 *
 * <p>A cached run must not mix two writes: a reader collects a run's entries under an optimistic read of
 * {@link #contentLock}, and only a change of content that readers could observe half-done (a mutation's drop or
 * its slots arriving) takes the write lock. A read's fill takes no write lock: it only adds, for blocks with no
 * mutation pending or acknowledged since the read was issued, the bytes the backend holds, which are the bytes of
 * any entry already there.
 *
 * <p>The backend's cache epoch ({@link io.strongroom.core.store.BlockStore#cacheEpoch}) is passed in by every
 * call: a value other than the one last seen drops every cached slot and supersedes everything pending, under this
 * object's monitor (so nothing begun under the old value adds a slot after); under epoch 0 nothing is filled,
 * cached or served.
 *
 * <p>The slot size is learnt when the volume is created or first read through the wrapper; until then nothing is
 * cached for the volume, and a mutation whose block count cannot be known covers every block from its first.
 */
final class CachedVolume {

    /** One write, trim or cache-filling read in flight over blocks {@code [first, end)}. */
    static final class Pending {
        final long first;
        final long end;
        final boolean mutation;
        boolean superseded;

        private Pending(long first, long end, boolean mutation) {
            this.first = first;
            this.end = end;
            this.mutation = mutation;
        }

        private boolean overlaps(long otherFirst, long otherEnd) {
            return first < otherEnd && otherFirst < end;
        }
    }

    private final SlotCache cache;
    private final StampedLock contentLock = new StampedLock();
    /** Guarded by this. */
    private final List<Pending> pending = new ArrayList<>();
    /** Guarded by this; 0 while unknown. Entries exist only once it is known, and it never changes after. */
    private volatile int slotSize;
    /** Guarded by this: the volume was deleted or created again; nothing may be added any more. */
    private volatile boolean dropped;
    /** Guarded by this: the backend's cache epoch last seen; every cached slot was filled under it. */
    private volatile long epoch;

    CachedVolume(SlotCache cache, int slotSize) {
        this.cache = cache;
        this.slotSize = slotSize;
    }

    /**
     * A read-only view of the run's cached slots, or null unless every one of them is cached and no mutation's
     * change of them was under way meanwhile, or the cache epoch is 0. Never waits.
     */
    @Nullable
    Buffer lookup(long cacheEpoch, long firstBlock, int count) {
        if (cacheEpoch != epoch) {
            synchronized (this) {
                observe(cacheEpoch);
            }
        }
        if (cacheEpoch == 0) {
            return null;
        }
        long stamp = contentLock.tryOptimisticRead();
        if (stamp == 0 || dropped || slotSize == 0) {
            return null;
        }
        byte[][] run = new byte[count][];
        for (int i = 0; i < count; i++) {
            run[i] = cache.get(this, firstBlock + i);
            if (run[i] == null) {
                return null;
            }
        }
        if (!contentLock.validate(stamp)) {
            return null;
        }
        return BufferInternal.buffer(Unpooled.wrappedBuffer(run).asReadOnly());
    }

    int slotSize() {
        return slotSize;
    }

    /** Whether the volume was deleted or created again since this object stood for it. */
    boolean isDropped() {
        return dropped;
    }

    /**
     * Registers a write or trim of blocks {@code [first, end)} about to be issued and drops their cached slots;
     * null if the volume was dropped (the caller takes the volume's new incarnation and tries again).
     */
    synchronized @Nullable Pending beginMutation(long cacheEpoch, long first, long end) {
        if (dropped) {
            return null;
        }
        observe(cacheEpoch);
        Pending m = new Pending(first, end, true);
        for (Pending p : pending) {
            if (p.overlaps(first, end)) {
                p.superseded = true;
            }
        }
        pending.add(m);
        if (slotSize != 0) {
            long stamp = contentLock.writeLock();
            try {
                cache.invalidate(this, first, end);
            } finally {
                contentLock.unlockWrite(stamp);
            }
        }
        return m;
    }

    /** The mutation was acknowledged ({@code written}: the slots of a write) or failed (null). */
    synchronized void endMutation(Pending m, @Nullable Buffer written, long cacheEpoch) {
        observe(cacheEpoch);
        pending.remove(m);
        int size = slotSize;
        if (written == null
                || m.superseded
                || dropped
                || cacheEpoch == 0
                || size == 0
                || written.length() % size != 0) {
            return;
        }
        long stamp = contentLock.writeLock();
        try {
            cache.put(this, m.first, written, size, true);
        } finally {
            contentLock.unlockWrite(stamp);
        }
    }

    /**
     * Registers a read of blocks {@code [first, end)} that may fill the cache; null if it may not (a mutation of
     * one of them is pending, the volume was dropped, or the cache epoch is 0).
     */
    synchronized @Nullable Pending beginFill(long cacheEpoch, long first, long end) {
        if (dropped) {
            return null;
        }
        observe(cacheEpoch);
        if (cacheEpoch == 0) {
            return null;
        }
        for (Pending p : pending) {
            if (p.mutation && p.overlaps(first, end)) {
                return null;
            }
        }
        Pending fill = new Pending(first, end, false);
        pending.add(fill);
        return fill;
    }

    /** The registered read completed: {@code read} holds its slots, or is null if it failed. */
    synchronized void endFill(Pending fill, @Nullable Buffer read, long cacheEpoch) {
        observe(cacheEpoch);
        pending.remove(fill);
        if (read == null || fill.superseded || dropped) {
            return;
        }
        long count = fill.end - fill.first;
        if (read.length() == 0 || read.length() % count != 0) {
            return;
        }
        if (slotSize == 0) {
            slotSize = (int) (read.length() / count);
        } else if (read.length() != count * slotSize) {
            return;
        }
        cache.put(this, fill.first, read, slotSize, false);
    }

    /** Learns the slot size from a read that was not registered (so caches nothing). */
    synchronized void learnSlotSize(Buffer read, int count) {
        if (slotSize == 0 && !dropped && read.length() > 0 && read.length() % count == 0) {
            slotSize = read.length() / count;
        }
    }

    /** Caller holds the monitor. A new cache epoch: drops every slot, and nothing pending may add any. */
    private void observe(long cacheEpoch) {
        if (cacheEpoch == epoch) {
            return;
        }
        epoch = cacheEpoch;
        for (Pending p : pending) {
            p.superseded = true;
        }
        long stamp = contentLock.writeLock();
        try {
            cache.invalidate(this);
        } finally {
            contentLock.unlockWrite(stamp);
        }
    }

    /** The volume was deleted or created again: drops its slots, and nothing pending may add any. */
    synchronized void drop() {
        dropped = true;
        long stamp = contentLock.writeLock();
        try {
            cache.invalidate(this);
        } finally {
            contentLock.unlockWrite(stamp);
        }
    }
}
