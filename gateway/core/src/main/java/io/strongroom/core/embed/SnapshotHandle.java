package io.strongroom.core.embed;

import io.strongroom.core.volume.SnapshotInfo;
import io.strongroom.core.volume.VolumeService;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * One snapshot of a volume, read-only: the volume's blocks as they were when it was taken, opened with the volume's
 * DEKs under the volume's key-access rule (a read fails with KeyInaccessible while the volume's KEK is
 * inaccessible). Obtained from {@link VolumeHandle#openSnapshot}; it names its snapshot, so a deleted snapshot
 * answers SnapshotNotFound.
 */
public final class SnapshotHandle {
    private final VolumeService service;
    private final SnapshotInfo info;
    private final int blockSize;
    private final long blockCount;

    SnapshotHandle(VolumeService service, SnapshotInfo info, int blockSize, long blockCount) {
        this.service = service;
        this.info = info;
        this.blockSize = blockSize;
        this.blockCount = blockCount;
    }

    /** Name, volume, id and when it was taken. */
    public SnapshotInfo info() {
        return info;
    }

    /** Bytes per block, as the volume's. */
    public int blockSize() {
        return blockSize;
    }

    /** Blocks, as the volume's. */
    public long blockCount() {
        return blockCount;
    }

    /** {@code count * blockSize()} bytes of plaintext from {@code firstBlock} on, as they were when it was taken. */
    public Future<Buffer> read(long firstBlock, int count) {
        return service.readSnapshot(info.volume(), info.name(), firstBlock, count);
    }

    @Override
    public String toString() {
        return "SnapshotHandle[" + info.volume() + "@" + info.name() + "]";
    }
}
