package io.strongroom.core.testkit.store;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.BlockStoreStats;
import io.strongroom.core.store.StoreSnapshot;
import io.strongroom.core.store.VolumeFault;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.UUID;

/**
 * A real store in front of which a test changes one thing: every call goes to {@link #store} unless a subclass
 * overrides it (holds some answers, counts some calls).
 */
public abstract class ForwardingBlockStore implements BlockStore {
    protected final BlockStore store;

    protected ForwardingBlockStore(BlockStore store) {
        this.store = store;
    }

    @Override
    public Future<Void> createVolume(UUID volumeId, int slotSize, long blockCount) {
        return store.createVolume(volumeId, slotSize, blockCount);
    }

    @Override
    public Future<Void> deleteVolume(UUID volumeId) {
        return store.deleteVolume(volumeId);
    }

    @Override
    public Future<Buffer> read(UUID volumeId, long firstBlock, int count) {
        return store.read(volumeId, firstBlock, count);
    }

    @Override
    public Future<Void> write(UUID volumeId, long firstBlock, Buffer slots) {
        return store.write(volumeId, firstBlock, slots);
    }

    @Override
    public Future<Void> write(UUID volumeId, long firstBlock, Buffer slots, boolean fua) {
        return store.write(volumeId, firstBlock, slots, fua);
    }

    @Override
    public Future<Void> trim(UUID volumeId, long firstBlock, long count) {
        return store.trim(volumeId, firstBlock, count);
    }

    @Override
    public Future<Void> flush(UUID volumeId) {
        return store.flush(volumeId);
    }

    @Override
    public Future<Void> createSnapshot(UUID volumeId, StoreSnapshot snapshot) {
        return store.createSnapshot(volumeId, snapshot);
    }

    @Override
    public Future<List<StoreSnapshot>> snapshots(UUID volumeId) {
        return store.snapshots(volumeId);
    }

    @Override
    public Future<Buffer> readSnapshot(UUID volumeId, UUID snapshotId, long firstBlock, int count) {
        return store.readSnapshot(volumeId, snapshotId, firstBlock, count);
    }

    @Override
    public Future<Void> deleteSnapshot(UUID volumeId, UUID snapshotId) {
        return store.deleteSnapshot(volumeId, snapshotId);
    }

    @Override
    public Future<Void> close() {
        return store.close();
    }

    @Override
    public int pendingWrites() {
        return store.pendingWrites();
    }

    @Override
    public int maxPendingWrites() {
        return store.maxPendingWrites();
    }

    @Override
    public int maxRequestBytes() {
        return store.maxRequestBytes();
    }

    @Override
    public BlockStoreStats stats() {
        return store.stats();
    }

    @Override
    public List<VolumeFault> volumeFaults() {
        return store.volumeFaults();
    }

    @Override
    public long cacheEpoch(UUID volumeId) {
        return store.cacheEpoch(volumeId);
    }
}
