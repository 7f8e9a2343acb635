package io.strongroom.core.embed;

import io.strongroom.core.keys.KeyState;
import io.strongroom.core.volume.CloneJob;
import io.strongroom.core.volume.SnapshotInfo;
import io.strongroom.core.volume.VolumeInfo;
import io.strongroom.core.volume.VolumeSpec;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;

/**
 * A {@link VolumeHandle} for code outside Vert.x: each call waits for its answer (at most
 * {@link StrongroomOptions#getBlockingTimeout()}) and throws a {@link io.strongroom.core.error.StrongroomException}
 * with the failure's code. Usable from plain and virtual threads; on a Vert.x event loop or worker thread every call
 * fails at once with IllegalStateException (blocking a loop stalls everything it serves; a worker would wait for its
 * own context), before anything is started.
 */
public final class BlockingVolume {
    private final VolumeHandle volume;
    private final Duration timeout;

    BlockingVolume(VolumeHandle volume, Duration timeout) {
        this.volume = volume;
        this.timeout = timeout;
    }

    public String name() {
        return volume.name();
    }

    /** Bytes per block. */
    public int blockSize() {
        return volume.blockSize();
    }

    /** Blocks in the volume. */
    public long blockCount() {
        return volume.blockCount();
    }

    /** The access state of the volume's KEK now. */
    public KeyState keyState() {
        return Blocking.await(volume::keyState, timeout, "keyState of " + name());
    }

    public VolumeInfo info() {
        return Blocking.await(volume::info, timeout, "info of " + name());
    }

    /** {@code count * blockSize()} bytes of plaintext from {@code firstBlock} on; never-written blocks are zeros. */
    public byte[] read(long firstBlock, int count) {
        return Blocking.await(() -> volume.read(firstBlock, count), timeout, "read of " + name())
                .getBytes();
    }

    /** Writes whole blocks, acknowledged as the storage's durability says. */
    public void write(long firstBlock, byte[] blocks) {
        write(firstBlock, blocks, false);
    }

    /** Writes whole blocks; with {@code fua}, returns only once they are durable. */
    public void write(long firstBlock, byte[] blocks, boolean fua) {
        Blocking.await(() -> volume.write(firstBlock, Buffer.buffer(blocks), fua), timeout, "write of " + name());
    }

    /** Blocks {@code firstBlock..firstBlock + count - 1} read back as zeros afterwards. */
    public void trim(long firstBlock, long count) {
        Blocking.await(() -> volume.trim(firstBlock, count), timeout, "trim of " + name());
    }

    /** Returns once every write acknowledged before the call is durable. */
    public void flush() {
        Blocking.await(volume::flush, timeout, "flush of " + name());
    }

    /** Takes a read-only, point-in-time snapshot of the volume ({@link VolumeHandle#createSnapshot}). */
    public SnapshotInfo createSnapshot(String snapshot) {
        return Blocking.await(() -> volume.createSnapshot(snapshot), timeout, "snapshot of " + name());
    }

    /** The volume's snapshots, oldest first. */
    public List<SnapshotInfo> snapshots() {
        return Blocking.await(volume::snapshots, timeout, "snapshots of " + name());
    }

    /** {@code count * blockSize()} bytes of snapshot {@code snapshot} from {@code firstBlock} on. */
    public byte[] readSnapshot(String snapshot, long firstBlock, int count) {
        return Blocking.await(
                        () -> volume.openSnapshot(snapshot).compose(s -> s.read(firstBlock, count)),
                        timeout,
                        "read of snapshot " + snapshot + " of " + name())
                .getBytes();
    }

    /**
     * Makes a new volume from snapshot {@code snapshot} ({@link VolumeHandle#cloneSnapshot}) and waits until its
     * copy is done (the blocking timeout bounds the whole copy); returns the clone, which serves from then on.
     */
    public VolumeInfo cloneSnapshot(String snapshot, VolumeSpec clone) {
        return Blocking.await(
                () -> volume.cloneSnapshot(snapshot, clone).compose(CloneJob::finished),
                timeout,
                "clone of snapshot " + snapshot + " of " + name());
    }

    /** Deletes snapshot {@code snapshot} and the space it holds. */
    public void deleteSnapshot(String snapshot) {
        Blocking.await(() -> volume.deleteSnapshot(snapshot), timeout, "deletion of snapshot " + snapshot);
    }

    /** The non-blocking handle behind this one. */
    public VolumeHandle async() {
        return volume;
    }

    @Override
    public String toString() {
        return "Blocking" + volume;
    }
}
