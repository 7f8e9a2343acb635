package io.strongroom.core.embed;

import io.strongroom.core.keys.KeyState;
import io.strongroom.core.volume.CloneJob;
import io.strongroom.core.volume.SnapshotInfo;
import io.strongroom.core.volume.VolumeInfo;
import io.strongroom.core.volume.VolumeService;
import io.strongroom.core.volume.VolumeSpec;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * One volume, as an application uses it: its geometry, its key state, and block I/O. Obtained from
 * {@link Strongroom#volume(String)}; cheap, thread-safe, usable from any thread (blocks are sealed on Strongroom's
 * event loops whatever the caller's thread). Failures are failed futures carrying a
 * {@link io.strongroom.core.error.StrongroomException} whose {@link io.strongroom.core.error.ErrorCode} says why:
 * BlockOutOfRange, BadBodyLength, KeyUnavailable, KeyInaccessible, StorageUnavailable, VolumeNotFound once the
 * volume is deleted...
 *
 * <p>The handle names its volume, as the HTTP API's paths do: a volume created later under the same name is reached
 * through it too, so take a new handle (and check its geometry) after re-creating a volume.
 */
public final class VolumeHandle {
    private final VolumeService service;
    private final String name;
    private final int blockSize;
    private final long blockCount;

    VolumeHandle(VolumeService service, VolumeInfo info) {
        this.service = service;
        this.name = info.name();
        this.blockSize = info.blockSize();
        this.blockCount = info.blockCount();
    }

    public String name() {
        return name;
    }

    /** Bytes per block: every read returns, and every write takes, a whole number of blocks. */
    public int blockSize() {
        return blockSize;
    }

    /** Blocks in the volume: addresses run from 0 to {@code blockCount() - 1}. */
    public long blockCount() {
        return blockCount;
    }

    /** The access state of the volume's KEK now: AVAILABLE, DEGRADED (still served) or INACCESSIBLE (refused). */
    public Future<KeyState> keyState() {
        return info().map(VolumeInfo::keyState);
    }

    /** Everything known about the volume now: key state and its cause, DEK ids, counters, rollover progress. */
    public Future<VolumeInfo> info() {
        return service.get(name);
    }

    /** {@code count * blockSize()} bytes of plaintext from {@code firstBlock} on; never-written blocks are zeros. */
    public Future<Buffer> read(long firstBlock, int count) {
        return service.read(name, firstBlock, count);
    }

    /**
     * Writes whole blocks from {@code firstBlock} on, acknowledged as the storage's durability says ({@link #flush}
     * makes it durable). The caller must not change {@code blocks} before the future completes.
     */
    public Future<Void> write(long firstBlock, Buffer blocks) {
        return service.write(name, firstBlock, blocks, false);
    }

    /**
     * Writes whole blocks from {@code firstBlock} on; with {@code fua} (force unit access) acknowledged only once
     * they are durable, whatever the storage's durability.
     */
    public Future<Void> write(long firstBlock, Buffer blocks, boolean fua) {
        return service.write(name, firstBlock, blocks, fua);
    }

    /** Blocks {@code firstBlock..firstBlock + count - 1} read back as zeros afterwards. */
    public Future<Void> trim(long firstBlock, long count) {
        return service.trim(name, firstBlock, count);
    }

    /** Durability barrier: every write acknowledged before the call is durable when the future completes. */
    public Future<Void> flush() {
        return service.flush(name);
    }

    /**
     * Takes a read-only, point-in-time snapshot of the volume while it is written: it holds every write acknowledged
     * before the call and none issued after the future completes (docs/SNAPSHOTS.md). SnapshotExists if the name is
     * taken; while the volume has snapshots it cannot be deleted (VolumeHasSnapshots), and a DEK rollover keeps the
     * older DEKs for them.
     */
    public Future<SnapshotInfo> createSnapshot(String snapshot) {
        return service.createSnapshot(name, snapshot);
    }

    /** The volume's snapshots, oldest first. */
    public Future<List<SnapshotInfo>> snapshots() {
        return service.snapshots(name);
    }

    /** A read-only handle on snapshot {@code snapshot}; SnapshotNotFound if the volume has none of that name. */
    public Future<SnapshotHandle> openSnapshot(String snapshot) {
        return service.snapshot(name, snapshot).map(info -> new SnapshotHandle(service, info, blockSize, blockCount));
    }

    /**
     * Makes a new volume from snapshot {@code snapshot} (docs/SNAPSHOTS.md, "Clones"): named {@code clone.name()},
     * this volume's geometry (leave size and block size 0), a DEK of its own wrapped under the KEK {@code clone}
     * names or the service KEK. The future completes once the clone exists in state CLONING;
     * {@link CloneJob#finished()} once every block is re-sealed into it and it serves.
     */
    public Future<CloneJob> cloneSnapshot(String snapshot, VolumeSpec clone) {
        return service.cloneSnapshot(name, snapshot, clone);
    }

    /** Deletes snapshot {@code snapshot} and the space it holds; SnapshotInUse while a clone is made from it. */
    public Future<Void> deleteSnapshot(String snapshot) {
        return service.deleteSnapshot(name, snapshot);
    }

    @Override
    public String toString() {
        return "VolumeHandle[" + name + ", " + blockCount + " blocks of " + blockSize + " bytes]";
    }
}
