package io.strongroom.core.volume;

import io.strongroom.core.activity.ActivityType;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.StoreSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Clones: a new volume made from a snapshot, with a DEK of its own wrapped under the KEK asked for, every non-empty
 * block of the snapshot opened with the parent's keyring and re-sealed under the clone's DEK and volume id
 * (docs/SNAPSHOTS.md, "Clones"). The clone exists at once in state CLONING (listed, with its progress; it refuses
 * requests with VolumeCloning) and serves once the copy is done and durable. Its metadata says CLONING until then,
 * so a stop or crash during the copy leaves a document that start-up recognises and deletes ({@link #discard}).
 * While the copy runs its snapshot is not deleted (SnapshotInUse), and so neither is the parent (it has a snapshot).
 */
final class VolumeClones {
    private static final System.Logger LOG = System.getLogger(VolumeClones.class.getName());
    /** Blocks per read of the snapshot, and reads in flight: 4 × 32 blocks of 8 KiB = 1 MiB of plaintext at once. */
    static final int RUN_BLOCKS = 32;

    static final int PARALLEL_RUNS = 4;

    /** Reads plaintext blocks of a snapshot of a volume through the volume's own read path and keyring. */
    interface SnapshotReader {
        Future<Buffer> read(Volume v, UUID snapshotId, long first, int count);
    }

    /** Seals and writes plaintext blocks through a volume's own write path (its active DEK, its volume id). */
    interface VolumeWriter {
        Future<Void> write(Volume v, long first, Buffer plaintext);
    }

    private final BlockStore store;
    private final VolumeLifecycle lifecycle;
    private final VolumeSnapshots snapshots;
    private final KeyEvents events;
    private final Clock clock;
    private final SnapshotReader reader;
    private final VolumeWriter writer;
    private final LongAdder blocksCopied = new LongAdder();
    private final AtomicInteger running = new AtomicInteger();

    VolumeClones(
            BlockStore store,
            VolumeLifecycle lifecycle,
            VolumeSnapshots snapshots,
            KeyEvents events,
            Clock clock,
            SnapshotReader reader,
            VolumeWriter writer) {
        this.store = store;
        this.lifecycle = lifecycle;
        this.snapshots = snapshots;
        this.events = events;
        this.clock = clock;
        this.reader = reader;
        this.writer = writer;
    }

    /** Blocks re-sealed into clones since start-up. */
    long blocksCopied() {
        return blocksCopied.sum();
    }

    /** Clones whose copy runs now. */
    int running() {
        return running.get();
    }

    /**
     * Makes volume {@code spec.name()} from snapshot {@code snapshot} of {@code parent}: same geometry (a size or block
     * size in {@code spec} must be 0 or the parent's), the key {@code spec} asks for (the service KEK when it names
     * none), registered in {@code volumes} as CLONING. Completes once the clone exists; the copy goes on behind.
     */
    Future<CloneJob> start(Volume parent, String snapshot, VolumeSpec spec, Map<String, Volume> volumes) {
        VolumeSpec effective;
        try {
            effective = sameGeometry(parent, spec);
        } catch (StrongroomException e) {
            return Future.failedFuture(e);
        }
        // Noted as a source in the parent's key-change order, so a deletion of the snapshot is either done before
        // (the clone then finds no snapshot) or refused while the copy runs.
        Future<StoreSnapshot> source = parent.serialKeyChange(() -> {
            if (parent.isDeleted()) {
                return Future.failedFuture(VolumeErrors.notFound(parent.name()));
            }
            return snapshots.find(parent, snapshot).onSuccess(s -> parent.cloneStarted(s.id()));
        });
        return source.compose(s -> {
            CloneOrigin origin = new CloneOrigin(parent.name(), parent.id(), s.name(), s.id(), clock.instant(), false);
            return lifecycle
                    .create(effective, origin, volumes)
                    .onFailure(e -> parent.cloneEnded(s.id()))
                    .map(clone -> {
                        running.incrementAndGet();
                        VolumeKeyring k = clone.keyring();
                        events.clone(
                                ActivityType.CLONE_STARTED,
                                parent.name(),
                                clone.name(),
                                k.kekId(),
                                k.identity(),
                                "from snapshot " + s.name() + ", " + clone.blockCount() + " blocks",
                                null);
                        LOG.log(
                                Level.INFO,
                                "volume {0}: cloning from snapshot {1} of volume {2}",
                                clone.name(),
                                s.name(),
                                parent.name());
                        return new CloneJob(clone.info(null), copy(parent, s, clone, volumes));
                    });
        });
    }

    private static VolumeSpec sameGeometry(Volume parent, VolumeSpec spec) {
        if (spec.sizeBytes() != 0 && spec.sizeBytes() != parent.sizeBytes()) {
            throw new StrongroomException(
                    ErrorCode.InvalidArgument,
                    "a clone has its parent's size (" + parent.sizeBytes() + " bytes): leave sizeBytes out");
        }
        if (spec.blockSize() != 0 && spec.blockSize() != parent.blockSize()) {
            throw new StrongroomException(
                    ErrorCode.InvalidArgument,
                    "a clone has its parent's block size (" + parent.blockSize() + "): leave blockSize out");
        }
        return new VolumeSpec(spec.name(), parent.sizeBytes(), parent.blockSize(), spec.kekId(), spec.identity());
    }

    /** Copies every block, makes the copy durable, then marks the clone finished in its metadata. */
    private Future<VolumeInfo> copy(Volume parent, StoreSnapshot s, Volume clone, Map<String, Volume> volumes) {
        BlockCopy copy = new BlockCopy(clone.blockSize(), RUN_BLOCKS, PARALLEL_RUNS, true);
        BlockCopy.Target target = new BlockCopy.Target() {
            @Override
            public Future<Void> write(long first, Buffer plaintext) {
                int count = plaintext.length() / clone.blockSize();
                return writer.write(clone, first, plaintext).onSuccess(x -> blocksCopied.add(count));
            }

            @Override
            public Future<Void> trim(long first, long count) {
                return store.trim(clone.id(), first, count);
            }
        };
        Promise<VolumeInfo> finished = Promise.promise();
        long startNanos = System.nanoTime();
        copy.copy(
                        0,
                        clone.blockCount(),
                        (first, count) -> reader.read(parent, s.id(), first, count),
                        target,
                        clone::cloneProgress)
                .compose(progress -> store.flush(clone.id())
                        .recover(e -> Future.failedFuture(VolumeErrors.fromStore(clone.name(), e)))
                        .compose(x -> {
                            clone.cloneFinished();
                            return clone.persistMetadata();
                        })
                        .map(progress))
                .onComplete(ar -> {
                    parent.cloneEnded(s.id());
                    running.decrementAndGet();
                    VolumeKeyring k = clone.keyring();
                    if (ar.succeeded()) {
                        BlockCopy.Progress p = ar.result();
                        long millis = (System.nanoTime() - startNanos) / 1_000_000;
                        events.clone(
                                ActivityType.CLONE_FINISHED,
                                parent.name(),
                                clone.name(),
                                k.kekId(),
                                k.identity(),
                                p.copied() + " of " + p.total() + " blocks re-sealed in " + millis + " ms",
                                null);
                        LOG.log(
                                Level.INFO,
                                "volume {0}: cloned from snapshot {1} of volume {2}, {3} blocks re-sealed",
                                clone.name(),
                                s.name(),
                                parent.name(),
                                String.valueOf(p.copied()));
                        finished.complete(clone.info(null));
                    } else {
                        Throwable cause = ar.cause();
                        events.clone(
                                ActivityType.CLONE_FAILED,
                                parent.name(),
                                clone.name(),
                                k.kekId(),
                                k.identity(),
                                "copy from snapshot " + s.name() + " stopped: " + cause.getMessage()
                                        + "; the clone is deleted",
                                cause);
                        volumes.remove(clone.name(), clone);
                        discard(clone).onComplete(x -> finished.fail(cause));
                    }
                });
        return finished.future();
    }

    /**
     * Deletes clones found unfinished at start-up (the gateway stopped or crashed while copying them): they are not
     * served, and their names are free again. A deletion that fails is logged; the next start tries again.
     */
    Future<Void> discardUnfinished(Collection<Volume> unfinished) {
        List<Future<Void>> deleted = unfinished.stream()
                .map(v -> {
                    CloneOrigin c = v.origin();
                    VolumeKeyring k = v.keyring();
                    events.clone(
                            ActivityType.CLONE_FAILED,
                            c.volume(),
                            v.name(),
                            k.kekId(),
                            k.identity(),
                            "copy from snapshot " + c.snapshot()
                                    + " interrupted by a stop or crash; the clone is deleted at start-up",
                            null);
                    return discard(v);
                })
                .toList();
        return Future.join(deleted).mapEmpty();
    }

    /** Deletes an unfinished clone (DEK destroyed first, then its slots and metadata); a failure is only logged. */
    private Future<Void> discard(Volume clone) {
        return lifecycle.delete(clone).recover(e -> {
            LOG.log(
                    Level.ERROR,
                    "cannot delete the unfinished clone {0} ({1}); the next start deletes it: {2}",
                    clone.name(),
                    clone.id(),
                    e.toString());
            return Future.succeededFuture();
        });
    }
}
