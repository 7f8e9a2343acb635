package io.strongroom.core.volume;

import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * The one entry point of every frontend (HTTP, the embedding API, NBD later) to encrypted volumes.
 * All operations are asynchronous; a failure is a failed future carrying a
 * {@link io.strongroom.core.error.StrongroomException} with its {@link io.strongroom.core.error.ErrorCode}.
 * Calls may be made from any thread. Blocks are sealed and opened on an event loop of the service's Vert.x
 * instance (a call from another thread is handed to one), because those are the threads the key-residue scrub
 * covers; storage I/O runs wherever the store runs it.
 */
public interface VolumeService {

    /** Creates a volume and its DEK (wrapped under the volume's KEK); VolumeExists if the name is taken. */
    Future<VolumeInfo> create(VolumeSpec spec);

    Future<List<VolumeInfo>> list();

    Future<VolumeInfo> get(String name);

    /** Destroys the volume's DEKs, then its data and metadata; VolumeHasSnapshots while it has snapshots. */
    Future<Void> delete(String name);

    /** Plaintext of {@code count} consecutive blocks ({@code count * blockSize} bytes); never-written ones are zeros. */
    Future<Buffer> read(String name, long firstBlock, int count);

    /**
     * {@link #read} into pooled direct memory for a frontend that writes the blocks to a socket as they are. The
     * caller owns the buffer and must release it exactly once on every path: after its write completed or failed, and
     * when it drops it (a timeout answered first, the client gone). {@link #directBuffersInUse()} counts the buffers
     * not yet released.
     */
    Future<ByteBuf> readDirect(String name, long firstBlock, int count);

    /** Buffers handed out by {@link #readDirect} and not yet released (a gauge; a leak never returns to zero). */
    long directBuffersInUse();

    /**
     * Writes {@code plaintext.length() / blockSize} consecutive blocks; the length is a positive multiple of it.
     * With {@code fua} (force unit access) the write is acknowledged only once it is durable, whatever the store's
     * durability; without, as the store's durability says ({@link #flush} makes it durable).
     */
    Future<Void> write(String name, long firstBlock, Buffer plaintext, boolean fua);

    /** A write without force unit access: {@code write(name, firstBlock, plaintext, false)}. */
    default Future<Void> write(String name, long firstBlock, Buffer plaintext) {
        return write(name, firstBlock, plaintext, false);
    }

    /** Blocks read back as zeros afterwards. */
    Future<Void> trim(String name, long firstBlock, long count);

    /** Durability barrier: every write acknowledged before it is durable when it completes. */
    Future<Void> flush(String name);

    /**
     * Sets the volume's KEK (rotation): validates the new key (one error code per unmet requirement), re-wraps every
     * DEK under it and replaces the metadata atomically. No block is re-encrypted; requests keep being served.
     */
    Future<VolumeInfo> changeKek(String name, KekChange change);

    /**
     * Rolls the volume over to a new DEK now: new writes use it at once, and a background pass re-seals the blocks
     * under older DEKs, then drops them unless the volume has snapshots, which keep them until the last one is deleted
     * (progress in {@link VolumeInfo#rollover()}). RolloverInProgress while the previous pass runs.
     */
    Future<VolumeInfo> rollover(String name);

    /**
     * Takes a snapshot of volume {@code name} (docs/SNAPSHOTS.md): read-only, crash-consistent, holding every write
     * acknowledged before the call and none issued after it completes. SnapshotExists if the name is taken.
     */
    Future<SnapshotInfo> createSnapshot(String name, String snapshot);

    /** The volume's snapshots, oldest first. */
    Future<List<SnapshotInfo>> snapshots(String name);

    /** One snapshot; SnapshotNotFound if the volume has none of that name. */
    Future<SnapshotInfo> snapshot(String name, String snapshot);

    /**
     * Plaintext of {@code count} consecutive blocks of a snapshot, opened with the volume's DEKs under the volume's
     * key-access rule (a volume whose key is INACCESSIBLE refuses this too).
     */
    Future<Buffer> readSnapshot(String name, String snapshot, long firstBlock, int count);

    /**
     * Makes a new volume from snapshot {@code snapshot} of volume {@code name} (docs/SNAPSHOTS.md, "Clones"): the
     * parent's geometry ({@code clone.sizeBytes()} and {@code clone.blockSize()} 0 or the parent's), a DEK of its own
     * wrapped under the KEK {@code clone} names (or the service KEK), every block of the snapshot re-sealed under it.
     * Completes once the clone exists, in state CLONING (it refuses requests with VolumeCloning meanwhile);
     * {@link CloneJob#finished()} completes when it serves. VolumeNotFound, SnapshotNotFound, VolumeExists and the
     * errors of {@link #create} fail it before anything is created.
     */
    Future<CloneJob> cloneSnapshot(String name, String snapshot, VolumeSpec clone);

    /** Blocks re-sealed into clones since start-up, and clones whose copy runs now (for metrics). */
    CloneStats cloneStats();

    /** Deletes a snapshot and the space it holds; SnapshotInUse while a clone is being made from it. */
    Future<Void> deleteSnapshot(String name, String snapshot);

    /**
     * Starts a replication cycle of volume {@code name} for the replica stream {@code stream} (a UUID the replica
     * chose), on the primary (docs/REPLICAS.md): takes the cycle's replication snapshot, deletes the stream's older
     * ones but {@code base} (the one the replica last applied), and wraps the volume's DEKs under {@code recipient}.
     * {@code fresh}: the replica's volume is new and empty.
     */
    Future<ReplicationCycle> startReplicationCycle(
            String name, String stream, @Nullable String base, boolean fresh, RSAPublicKey recipient);

    /** One page of a cycle's sealed slot images ({@link ReplicationWire}), up to {@code max} blocks from {@code from}. */
    Future<Buffer> replicationPage(
            String name,
            String stream,
            String cycle,
            ReplicationCycle.Mode mode,
            @Nullable String base,
            long from,
            int max);

    /** Deletes every replication snapshot of {@code stream} (its replica was deleted or promoted). */
    Future<Void> releaseReplication(String name, String stream);

    /**
     * The block size of volume {@code name}, or empty when there is no such volume. Never fails and never waits (a
     * map lookup), so a frontend can check a request on its event loop before it reads the request's body.
     */
    OptionalInt blockSize(String name);

    /** Graceful: flush, close files, destroy every DEK. */
    Future<Void> close();
}
