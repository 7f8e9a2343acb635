package io.strongroom.core.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.UUID;

/**
 * Asynchronous storage of opaque fixed-size slots, grouped in volumes. A store knows nothing about
 * cryptography: the layer above hands it sealed blocks and gets them back byte for byte.
 *
 * <p>Guarantees every implementation gives (checked by {@code io.strongroom.core.testkit.store.BlockStoreContract}
 * in core's test-jar, which every backend's tests extend):
 * <ul>
 *   <li>A never-written or trimmed slot reads as {@code slotSize} zero bytes.</li>
 *   <li>A read issued after a write or trim was acknowledged sees it (the slot cache,
 *       {@link io.strongroom.core.store.cache.CachingBlockStore}, relies on this to stay exact).</li>
 *   <li>Each slot of a write is atomic: after a crash at any moment, and for a concurrent reader, a slot
 *       holds either its last acknowledged content or the content of a write that was in flight, never a mix.</li>
 *   <li>A write or trim is acknowledged according to the store's {@link Durability}, a FUA write once durable
 *       whatever the durability; {@link #flush} is a barrier: everything acknowledged before it was called is
 *       durable once it completes.</li>
 *   <li>No method blocks its caller; futures complete on the caller's Vert.x context when there is one.</li>
 *   <li>Invalid arguments fail the returned future with a {@link BlockStoreException} whose
 *       {@link BlockStoreException.Reason} says why, and nothing is changed.</li>
 * </ul>
 * A {@link Buffer} passed to {@link #write} is handed over: the caller never modifies it again (the slot cache may
 * keep a one-slot write's array as its entry instead of a copy).
 */
public interface BlockStore {

    /** Creates an empty volume of {@code blockCount} slots of {@code slotSize} bytes; fails with VOLUME_EXISTS if present. */
    Future<Void> createVolume(UUID volumeId, int slotSize, long blockCount);

    /** Deletes the volume and all its files (slots and metadata); fails with UNKNOWN_VOLUME if absent. */
    Future<Void> deleteVolume(UUID volumeId);

    /**
     * Reads {@code count} consecutive slots: a buffer of {@code count * slotSize} bytes. It may be a read-only view
     * of memory the store keeps (a cache): copy it to change it.
     */
    Future<Buffer> read(UUID volumeId, long firstBlock, int count);

    /** Writes {@code slots.length() / slotSize} consecutive slots starting at {@code firstBlock}; atomic per slot. */
    Future<Void> write(UUID volumeId, long firstBlock, Buffer slots);

    /**
     * A write that, with {@code fua} (force unit access, as NBD's {@code NBD_CMD_FLAG_FUA}), is acknowledged only
     * once durable whatever the store's {@link Durability}. This default completes the write, then a flush;
     * stores that can make one write durable more cheaply override it.
     */
    default Future<Void> write(UUID volumeId, long firstBlock, Buffer slots, boolean fua) {
        return fua
                ? write(volumeId, firstBlock, slots).compose(v -> flush(volumeId))
                : write(volumeId, firstBlock, slots);
    }

    /** Makes {@code count} consecutive slots read back as zeros; atomic per slot, acknowledged like a write. */
    Future<Void> trim(UUID volumeId, long firstBlock, long count);

    /** Durability barrier: completes once everything acknowledged before the call is durable. */
    Future<Void> flush(UUID volumeId);

    /**
     * Takes a read-only, crash-consistent image of the volume as it is now: it holds every write and trim acknowledged
     * before the call and none issued after the returned future completes (one in flight meanwhile may or may not be
     * in it, each slot whole). Durable once the future completes. SNAPSHOT_EXISTS if the volume has a snapshot with
     * the same id or name.
     */
    default Future<Void> createSnapshot(UUID volumeId, StoreSnapshot snapshot) {
        return unsupported();
    }

    /** The volume's snapshots, oldest first. */
    default Future<List<StoreSnapshot>> snapshots(UUID volumeId) {
        return unsupported();
    }

    /** Reads {@code count} consecutive slots of a snapshot, as {@link #read} does for the volume. */
    default Future<Buffer> readSnapshot(UUID volumeId, UUID snapshotId, long firstBlock, int count) {
        return unsupported();
    }

    /**
     * Up to {@code max} block numbers, ascending, from {@code from} on, whose slots the snapshot has preserved: the
     * blocks written or trimmed in the volume since the snapshot was taken (each at least once; a preserved slot
     * may hold the same content as the volume again). What incremental replication ships (docs/REPLICAS.md).
     */
    default Future<long[]> preservedBlocks(UUID volumeId, UUID snapshotId, long from, int max) {
        return unsupported();
    }

    /** Deletes a snapshot and the space it holds; UNKNOWN_SNAPSHOT if absent. */
    default Future<Void> deleteSnapshot(UUID volumeId, UUID snapshotId) {
        return unsupported();
    }

    private static <T> Future<T> unsupported() {
        return Future.failedFuture(new BlockStoreException(
                BlockStoreException.Reason.UNSUPPORTED, "this storage backend keeps no snapshots"));
    }

    /** Finishes queued work, makes it durable and releases files; later calls fail with CLOSED. */
    Future<Void> close();

    /** Writes, trims and flushes accepted but not yet acknowledged, over all volumes (for backpressure). */
    default int pendingWrites() {
        return 0;
    }

    /** The bound on {@link #pendingWrites()} past which new writes fail with QUEUE_FULL. */
    default int maxPendingWrites() {
        return Integer.MAX_VALUE;
    }

    /** The largest read or write, in bytes, the store accepts at once; larger ones fail with TOO_LARGE. */
    default int maxRequestBytes() {
        return Integer.MAX_VALUE;
    }

    /**
     * Whether a cache in front of this store may keep the volume's slots now, and for how long: 0 while it may not
     * (another process may change the volume, so nothing may be cached or served from a cache); otherwise a value
     * that stays the same only while no one but this store changes the volume, and is never returned again once it
     * has changed. A cache drops everything it holds of the volume when the value changes
     * ({@link io.strongroom.core.store.cache.CachingBlockStore}). Reads in-memory state only: it is called on every
     * read. This default suits a store that is the only one to write its volumes (one process per data directory).
     */
    default long cacheEpoch(UUID volumeId) {
        return 1;
    }

    /** Counters since the store was opened, for metrics. */
    default BlockStoreStats stats() {
        return BlockStoreStats.EMPTY;
    }

    /**
     * The volumes not fully served now ({@link VolumeFault}): empty while every volume works. Reads in-memory state
     * only, so health and metrics may call it on an event loop.
     */
    default List<VolumeFault> volumeFaults() {
        return List.of();
    }
}
