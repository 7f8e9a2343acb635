package io.strongroom.core.store.cache;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.BlockStoreStats;
import io.strongroom.core.store.MetadataStore;
import io.strongroom.core.store.StorageBackend;
import io.strongroom.core.store.StoreSnapshot;
import io.strongroom.core.store.VolumeFault;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The slot cache, in front of any {@link BlockStore}: recently written and read slots of every volume, in memory
 * and bounded by bytes, so that a read of a hot run completes at once on the caller's thread, with no backend I/O
 * and no thread hand-off (for the local backend that hand-off costs more than the read and its decryption
 * together, docs/PERFORMANCE.md; for a remote backend it saves a network round trip).
 *
 * <p>It holds slots as stored, sealed: it needs no key, and a revoked key leaves nothing readable in it. It is
 * exact: a write or trim drops its blocks when it is issued and a write caches its slots when it is acknowledged;
 * a read caches what it read unless a write or trim of the same blocks was issued meanwhile; a run is served from
 * memory only if every slot of it is cached, and never mixes two writes (how: {@link CachedVolume}). A hit is a
 * read-only view of the cached bytes, no copy. Deleting or creating a volume drops its slots. Everything else
 * (validation, errors, durability, completion on the caller's context) is the backend's.
 *
 * <p>Other processes may change a volume (gateways sharing a Ceph pool): the backend's
 * {@link BlockStore#cacheEpoch} says when they cannot. Every operation reads it when issued and when it completes;
 * the cache serves and fills a volume only while it is not 0, and drops all of the volume's slots, and supersedes
 * everything pending on it, whenever it differs from the value last seen. So every cached slot was read or written
 * by operations that began and ended under the epoch a hit sees, while no one else changed the volume; a gateway
 * that does not hold a Ceph volume's writer lease reads it from the backend (docs/SCALE-OUT.md, "Slot cache").
 */
public final class CachingBlockStore implements BlockStore {

    private final BlockStore backend;
    private final SlotCache cache;
    private final Map<UUID, CachedVolume> volumes = new ConcurrentHashMap<>();
    private final LongAdder hits = new LongAdder();
    private final LongAdder hitBytes = new LongAdder();
    private volatile boolean closed;

    /** A cache of at most {@code maxBytes} (positive; per-entry overhead included) in front of {@code backend}. */
    public CachingBlockStore(BlockStore backend, long maxBytes) {
        this.backend = backend;
        this.cache = new SlotCache(maxBytes);
    }

    /** The same backend with a cache of at most {@code maxBytes} in front of its blocks. */
    public static StorageBackend over(StorageBackend backend, long maxBytes) {
        CachingBlockStore blocks = new CachingBlockStore(backend.blocks(), maxBytes);
        return new StorageBackend() {
            @Override
            public BlockStore blocks() {
                return blocks;
            }

            @Override
            public MetadataStore metadata() {
                return backend.metadata();
            }

            @Override
            public Future<Void> close() {
                return blocks.close().transform(ar -> backend.close());
            }
        };
    }

    @Override
    public Future<Void> createVolume(UUID volumeId, int slotSize, long blockCount) {
        return backend.createVolume(volumeId, slotSize, blockCount).andThen(ar -> {
            if (ar.succeeded()) {
                CachedVolume old = volumes.put(volumeId, new CachedVolume(cache, slotSize));
                if (old != null) {
                    old.drop();
                }
            }
        });
    }

    @Override
    public Future<Void> deleteVolume(UUID volumeId) {
        drop(volumeId);
        return backend.deleteVolume(volumeId).andThen(ar -> drop(volumeId));
    }

    /** Snapshots are the backend's: a snapshot's slots are never cached (they are read rarely, and never change). */
    @Override
    public Future<Void> createSnapshot(UUID volumeId, StoreSnapshot snapshot) {
        return backend.createSnapshot(volumeId, snapshot);
    }

    @Override
    public Future<List<StoreSnapshot>> snapshots(UUID volumeId) {
        return backend.snapshots(volumeId);
    }

    @Override
    public Future<Buffer> readSnapshot(UUID volumeId, UUID snapshotId, long firstBlock, int count) {
        return backend.readSnapshot(volumeId, snapshotId, firstBlock, count);
    }

    @Override
    public Future<long[]> preservedBlocks(UUID volumeId, UUID snapshotId, long from, int max) {
        return backend.preservedBlocks(volumeId, snapshotId, from, max);
    }

    @Override
    public Future<Void> deleteSnapshot(UUID volumeId, UUID snapshotId) {
        return backend.deleteSnapshot(volumeId, snapshotId);
    }

    @Override
    public Future<Buffer> read(UUID volumeId, long firstBlock, int count) {
        if (closed) {
            return Future.failedFuture(BlockStoreException.closed());
        }
        if (volumeId == null || firstBlock < 0 || count <= 0 || count > Long.MAX_VALUE - firstBlock) {
            return backend.read(volumeId, firstBlock, count);
        }
        long epoch = backend.cacheEpoch(volumeId);
        CachedVolume v = volumes.get(volumeId);
        if (v != null && (long) count * v.slotSize() <= backend.maxRequestBytes()) {
            Buffer hit = v.lookup(epoch, firstBlock, count);
            if (hit != null) {
                hits.increment();
                hitBytes.add(hit.length());
                return Future.succeededFuture(hit);
            }
        }
        CachedVolume.Pending fill;
        do {
            v = volume(volumeId);
            fill = v.beginFill(epoch, firstBlock, firstBlock + count);
        } while (fill == null && v.isDropped());
        CachedVolume filled = v;
        CachedVolume.Pending registered = fill;
        return backend.read(volumeId, firstBlock, count).andThen(ar -> {
            Buffer read = ar.succeeded() ? ar.result() : null;
            if (registered != null) {
                filled.endFill(registered, read, backend.cacheEpoch(volumeId));
            } else if (read != null) {
                filled.learnSlotSize(read, count);
            }
            forgetIfUnknown(volumeId, filled, ar.cause());
        });
    }

    @Override
    public Future<Void> write(UUID volumeId, long firstBlock, Buffer slots) {
        return write(volumeId, firstBlock, slots, false);
    }

    @Override
    public Future<Void> write(UUID volumeId, long firstBlock, Buffer slots, boolean fua) {
        if (volumeId == null || slots == null) {
            return backend.write(volumeId, firstBlock, slots, fua);
        }
        CachedVolume v;
        CachedVolume.Pending m;
        do {
            v = volume(volumeId);
            int size = v.slotSize();
            long count = size != 0 && slots.length() > 0 && slots.length() % size == 0
                    ? slots.length() / size
                    : Long.MAX_VALUE;
            m = v.beginMutation(backend.cacheEpoch(volumeId), Math.max(0, firstBlock), end(firstBlock, count));
        } while (m == null);
        CachedVolume written = v;
        CachedVolume.Pending registered = m;
        return backend.write(volumeId, firstBlock, slots, fua).andThen(ar -> {
            written.endMutation(registered, ar.succeeded() ? slots : null, backend.cacheEpoch(volumeId));
            forgetIfUnknown(volumeId, written, ar.cause());
        });
    }

    @Override
    public Future<Void> trim(UUID volumeId, long firstBlock, long count) {
        if (volumeId == null) {
            return backend.trim(volumeId, firstBlock, count);
        }
        CachedVolume v;
        CachedVolume.Pending m;
        do {
            v = volume(volumeId);
            m = v.beginMutation(
                    backend.cacheEpoch(volumeId),
                    Math.max(0, firstBlock),
                    end(firstBlock, count <= 0 ? Long.MAX_VALUE : count));
        } while (m == null);
        CachedVolume trimmed = v;
        CachedVolume.Pending registered = m;
        return backend.trim(volumeId, firstBlock, count).andThen(ar -> {
            trimmed.endMutation(registered, null, backend.cacheEpoch(volumeId));
            forgetIfUnknown(volumeId, trimmed, ar.cause());
        });
    }

    @Override
    public Future<Void> flush(UUID volumeId) {
        return backend.flush(volumeId);
    }

    /** Closes the backend and empties the cache; later reads fail with CLOSED like the backend's calls. */
    @Override
    public Future<Void> close() {
        closed = true;
        return backend.close().andThen(ar -> {
            volumes.values().forEach(CachedVolume::drop);
            volumes.clear();
            cache.clear();
        });
    }

    @Override
    public int pendingWrites() {
        return backend.pendingWrites();
    }

    @Override
    public int maxPendingWrites() {
        return backend.maxPendingWrites();
    }

    @Override
    public int maxRequestBytes() {
        return backend.maxRequestBytes();
    }

    /** The backend's counters with the cache's hits counted as reads, and the cache's size. */
    @Override
    public BlockStoreStats stats() {
        return backend.stats().withCache(hits.sum(), hitBytes.sum(), cache.bytes());
    }

    @Override
    public long cacheEpoch(UUID volumeId) {
        return backend.cacheEpoch(volumeId);
    }

    @Override
    public List<VolumeFault> volumeFaults() {
        return backend.volumeFaults();
    }

    /** Volumes the cache keeps state for now (tests: calls for unknown volumes must leave none behind). */
    int trackedVolumes() {
        return volumes.size();
    }

    /** The volume's current incarnation, created on first use for volumes that existed before this wrapper. */
    private CachedVolume volume(UUID volumeId) {
        return volumes.computeIfAbsent(volumeId, id -> new CachedVolume(cache, 0));
    }

    /**
     * A call for a volume the backend does not have leaves no state behind: without this, calls naming ids that
     * never existed would grow the map of volumes for good.
     */
    private void forgetIfUnknown(UUID volumeId, CachedVolume v, @Nullable Throwable failure) {
        if (failure instanceof BlockStoreException e
                && e.reason() == BlockStoreException.Reason.UNKNOWN_VOLUME
                && volumes.remove(volumeId, v)) {
            v.drop();
        }
    }

    private void drop(UUID volumeId) {
        if (volumeId != null) {
            CachedVolume v = volumes.remove(volumeId);
            if (v != null) {
                v.drop();
            }
        }
    }

    /** The end of {@code [first, first + count)}, saturated: a range past the last block covers every later block. */
    private static long end(long first, long count) {
        long start = Math.max(0, first);
        return count > Long.MAX_VALUE - start ? Long.MAX_VALUE : start + count;
    }
}
