package io.strongroom.core.volume;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.KeyAccessContext;
import io.strongroom.core.keys.KeyAccessSnapshot;
import io.strongroom.core.keys.KeyState;
import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.MetadataStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One open volume: its fixed geometry, its {@link VolumeKeyring} (KEK, access state, DEKs with their seal budgets;
 * the plaintext DEKs live in the {@link io.strongroom.core.keys.DekCache}), its counters and the chain of its
 * metadata writes. Safe for use from every event loop: the keyring is immutable and KEK rotation and DEK rollover
 * replace it whole ({@link #commit}), counters are adders.
 *
 * <p><b>Requests and keyring changes.</b> A data request {@link #enter enters} the volume before it reads the keyring
 * and leaves when it is over. {@link #commit} swaps the keyring and starts a new epoch; the future it returns for
 * the old epoch completes once every request that may have seen the old keyring is over. A rollover waits for it
 * before scanning (no write sealed by the old DEK can land behind the scan), and the end of a re-seal waits for it
 * before destroying the old DEKs (no read still needs them).
 */
final class Volume {
    private final MetadataStore metadataStore;
    private final BlockStore blockStore;
    private final DocumentAdopter adopter;
    /** Counts the swaps of the key state (local commits and adopted documents); guarded by this for writes. */
    private volatile long keyStateChanges;
    /** The store's cache epoch when this gateway last took in the persisted document as its writer; 0: not yet. */
    private volatile long writerEpoch;

    private Future<Void> writerSync; // guarded by this: the document read in progress, or null
    private final VolumeMetadata base;
    private volatile VolumeKeyring keyring;
    private volatile boolean autoFollow;
    private volatile ResealProgress reseal;
    private volatile Epoch epoch = new Epoch();
    private Future<?> lastKeyChange = Future.succeededFuture(); // guarded by this
    private volatile boolean deleted;
    private volatile long lastUnwrapAttemptNanos;
    /** Snapshots the volume has; changed only by key changes ({@link VolumeSnapshots}), so in order. */
    private volatile int snapshotCount;
    /** The snapshot this volume is (being) cloned from, or null; {@link #cloneProgress} while the copy runs. */
    private volatile CloneOrigin origin;

    private volatile BlockCopy.Progress cloneProgress;
    /** Clones being made from each snapshot of this volume (by snapshot id): such a snapshot is not deleted. */
    private final ConcurrentHashMap<UUID, Integer> clonesFrom = new ConcurrentHashMap<>();
    /** A read replica's volume: only replication writes it until it is promoted ({@link Replicas}). */
    private volatile boolean readOnly;

    private Future<Void> lastMetadataWrite = Future.succeededFuture(); // guarded by this

    final LongAdder reads = new LongAdder();
    final LongAdder writes = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();

    final ResealGate resealGate = new ResealGate();

    Volume(
            VolumeMetadata metadata,
            VolumeKeyring keyring,
            MetadataStore metadataStore,
            BlockStore blockStore,
            DocumentAdopter adopter) {
        this.metadataStore = metadataStore;
        this.blockStore = blockStore;
        this.adopter = adopter;
        this.base = metadata;
        this.keyring = keyring;
        this.autoFollow = metadata.autoFollow();
        this.reseal = metadata.reseal();
        this.origin = metadata.origin();
    }

    UUID id() {
        return base.id();
    }

    String name() {
        return base.name();
    }

    int blockSize() {
        return base.blockSize();
    }

    long blockCount() {
        return base.blockCount();
    }

    long sizeBytes() {
        return base.sizeBytes();
    }

    java.time.Instant createdAt() {
        return base.created();
    }

    /** The current keyring; read it once per request so the request sees one consistent key set. */
    VolumeKeyring keyring() {
        return keyring;
    }

    boolean autoFollow() {
        return autoFollow;
    }

    /** The re-seal pass in progress (as last advanced in memory), or null. */
    ResealProgress reseal() {
        return reseal;
    }

    /** Advances the in-memory progress of the re-seal pass; the next metadata write persists it. */
    void advanceReseal(ResealProgress progress) {
        reseal = progress;
    }

    /** Registers a request; call {@link Epoch#leave()} on the result when it is over. Read the keyring after this. */
    Epoch enter() {
        Epoch e = epoch;
        e.inFlight.incrementAndGet();
        return e;
    }

    /**
     * Runs {@code change} after every key change of this volume started before it (rotation, rollover, end of a
     * re-seal, auto-follow), so each one builds on the keyring the previous one left.
     */
    <T> Future<T> serialKeyChange(Supplier<Future<T>> change) {
        Promise<T> done = Promise.promise();
        Future<?> previous;
        synchronized (this) {
            previous = lastKeyChange;
            lastKeyChange = done.future();
        }
        previous.onComplete(ignored -> {
            Future<T> f;
            try {
                f = change.get();
            } catch (RuntimeException e) {
                f = Future.failedFuture(e);
            }
            f.onComplete(done);
        });
        return done.future();
    }

    /**
     * Makes {@code next} (with {@code nextAutoFollow}, {@code nextReseal}) the volume's key state: one metadata write
     * of the whole document, after every earlier write of the volume; the keyring is swapped only once the document
     * is durable, so a crash leaves the old document or the new one, and a request sees the old keyring or the new
     * one. The result completes when every request that may have used the old keyring is over. {@code base} is the
     * keyring {@code next} was derived from: if it is no longer current once this gateway is the volume's writer
     * (another gateway changed the keys and this one has just taken them in), nothing is written and the change
     * fails with StorageUnavailable, to be tried again on the current keys.
     */
    Future<Future<Void>> commit(
            VolumeKeyring base, VolumeKeyring next, boolean nextAutoFollow, ResealProgress nextReseal) {
        Promise<Void> written = Promise.promise();
        Future<Void> previous;
        synchronized (this) {
            previous = lastMetadataWrite;
            lastMetadataWrite = written.future();
        }
        Promise<Future<Void>> swapped = Promise.promise();
        previous.onComplete(ignored -> {
            Future<Void> write = asWriter().compose(synced -> {
                if (keyring != base) {
                    return Future.failedFuture(new StrongroomException(
                            ErrorCode.StorageUnavailable,
                            "the keys of volume " + name() + " were changed by another gateway meanwhile; try again"));
                }
                return metadataStore.write(
                        id(), VolumeMetadataCodec.encode(document(next, nextAutoFollow, nextReseal)));
            });
            write.onComplete(ar -> {
                if (ar.succeeded()) {
                    // Swapped before `written` completes: the next metadata write of the chain encodes the new state.
                    swapped.complete(swapKeyState(next, nextAutoFollow, nextReseal));
                } else {
                    swapped.fail(ar.cause());
                }
                if (ar.succeeded()) {
                    written.complete();
                } else {
                    written.fail(ar.cause());
                }
            });
        });
        return swapped.future();
    }

    /** Swaps in a new key state and starts a new epoch; the old epoch's drain (see {@link #commit}). */
    private synchronized Future<Void> swapKeyState(
            VolumeKeyring next, boolean nextAutoFollow, ResealProgress nextReseal) {
        keyring = next;
        autoFollow = nextAutoFollow;
        reseal = nextReseal;
        keyStateChanges++;
        Epoch old = epoch;
        epoch = new Epoch();
        return old.close();
    }

    /** How many times the key state was swapped so far: taken before a document is read, for {@link #adopt}. */
    long keyStateChanges() {
        return keyStateChanges;
    }

    /**
     * Takes in the key state of a document another gateway wrote ({@link DocumentAdopter}): swaps in {@code next}
     * (built from {@code persisted}) unless the key state changed here since {@code changesBefore}, when the document
     * was read (a key change of this gateway is then newer than it). Returns the old epoch's drain, or null if it
     * did not swap.
     */
    synchronized @Nullable Future<Void> adopt(VolumeKeyring next, VolumeMetadata persisted, long changesBefore) {
        if (keyStateChanges != changesBefore) {
            return null;
        }
        if (persisted.origin() != null && persisted.origin().finished() && isCloning()) {
            origin = persisted.origin();
        }
        return swapKeyState(next, persisted.autoFollow(), persisted.reseal());
    }

    /** Raises each DEK's seal count to the reservation {@code persisted} records for it (keys unchanged). */
    void adoptReservations(VolumeMetadata persisted) {
        VolumeKeyring current = keyring;
        for (VolumeMetadata.DekRecord record : persisted.deks()) {
            VolumeKeyring.VolumeDek dek = current.dek(record.wrapped().dekId());
            if (dek != null) {
                dek.budget().adoptPersisted(record.reservedUntil());
            }
        }
    }

    /** Seals claimed over all DEKs (persisted counts adopted at start-up included). */
    long dekInvocations() {
        return keyring.deks().stream().mapToLong(d -> d.budget().claimed()).sum();
    }

    int snapshotCount() {
        return snapshotCount;
    }

    void snapshotCount(int count) {
        snapshotCount = count;
    }

    /** Where this volume was cloned from, or null. */
    CloneOrigin origin() {
        return origin;
    }

    /** Whether this volume's blocks are still being copied from a snapshot (it serves no request meanwhile). */
    boolean isCloning() {
        CloneOrigin c = origin;
        return c != null && !c.finished();
    }

    void cloneProgress(BlockCopy.Progress progress) {
        cloneProgress = progress;
    }

    /** Marks the copy finished; the next metadata write persists it. */
    void cloneFinished() {
        origin = origin.done();
    }

    /** Notes a clone starting from snapshot {@code snapshotId} of this volume; {@link #cloneEnded} when it ends. */
    void cloneStarted(UUID snapshotId) {
        clonesFrom.merge(snapshotId, 1, Integer::sum);
    }

    void cloneEnded(UUID snapshotId) {
        clonesFrom.computeIfPresent(snapshotId, (id, n) -> n == 1 ? null : n - 1);
    }

    /** Whether a clone is being made from snapshot {@code snapshotId} of this volume. */
    boolean isCloneSource(UUID snapshotId) {
        return clonesFrom.containsKey(snapshotId);
    }

    boolean readOnly() {
        return readOnly;
    }

    void readOnly(boolean value) {
        readOnly = value;
    }

    boolean isDeleted() {
        return deleted;
    }

    void markDeleted() {
        deleted = true;
    }

    /**
     * Whether a retry of a failed unwrap may start now: at most one per {@code intervalNanos}, so a vault that
     * refuses fast is not called once per client request.
     */
    boolean mayRetryUnwrap(long nowNanos, long intervalNanos) {
        long last = lastUnwrapAttemptNanos;
        if (last != 0 && nowNanos - last < intervalNanos) {
            return false;
        }
        lastUnwrapAttemptNanos = nowNanos == 0 ? 1 : nowNanos;
        return true;
    }

    /** The metadata document as it must be persisted now (current KEK and reservations). */
    VolumeMetadata metadata() {
        return document(keyring, autoFollow, reseal);
    }

    private VolumeMetadata document(VolumeKeyring k, boolean follow, ResealProgress progress) {
        return new VolumeMetadata(
                base.id(),
                base.name(),
                base.sizeBytes(),
                base.blockSize(),
                base.created(),
                k.kekId(),
                k.identity(),
                k.active().id(),
                k.records(),
                follow,
                progress,
                origin);
    }

    /**
     * Writes the metadata document after every earlier write of this volume, encoding the state at the moment it
     * runs, so a later document never is overtaken by an older one.
     */
    Future<Void> persistMetadata() {
        Promise<Void> done = Promise.promise();
        Future<Void> previous;
        synchronized (this) {
            previous = lastMetadataWrite;
            lastMetadataWrite = done.future();
        }
        previous.onComplete(ignored -> asWriter()
                .compose(synced -> metadataStore.write(id(), VolumeMetadataCodec.encode(metadata())))
                .onComplete(done));
        return done.future();
    }

    /**
     * Claims {@code seals} seals of {@code dek} for a write (its {@link DekBudget}), once this gateway counts as the
     * volume's writer ({@link #asWriter}); the future completes when they are covered by a durable reservation.
     */
    Future<Void> claimSeals(VolumeKeyring.VolumeDek dek, int seals) {
        return asWriter().compose(synced -> dek.budget().claim(seals, this::persistMetadata));
    }

    /**
     * Completes once this gateway's seal budgets start from what the volume's last writer persisted. Whenever the
     * store's cache epoch is not the one of the last such read (0: this gateway does not hold the volume's writer
     * lease; a new value: it took the lease again, and another gateway may have written meanwhile), it re-reads the
     * document as the writer ({@link MetadataStore#readAsWriter}, which takes the lease) and raises each DEK's budget
     * to the persisted reservation, before any seal or document write: a gateway taking a volume over never counts
     * below the previous writer's reservation, and never writes a lower one. A document whose keys another gateway
     * changed (a rotation or rollover this gateway has not seen) is taken in first ({@link DocumentAdopter}), so the
     * writer seals under the current active DEK.
     */
    Future<Void> asWriter() {
        long epoch = blockStore.cacheEpoch(id());
        if (epoch != 0 && epoch == writerEpoch) {
            return Future.succeededFuture();
        }
        Promise<Void> synced = Promise.promise();
        synchronized (this) {
            if (writerSync != null) {
                return writerSync;
            }
            writerSync = synced.future();
        }
        long changesBefore = keyStateChanges;
        metadataStore
                .readAsWriter(id())
                .compose(document -> document.isEmpty()
                        ? Future.succeededFuture()
                        : adopter.adopt(this, VolumeMetadataCodec.decode(document.get()), changesBefore))
                .map(adopted -> {
                    writerEpoch = blockStore.cacheEpoch(id());
                    return (Void) null;
                })
                .onComplete(ar -> {
                    synchronized (this) {
                        writerSync = null;
                    }
                    synced.handle(ar);
                });
        return synced.future();
    }

    /** Completes when every metadata write started so far has finished (successfully or not). */
    Future<Void> metadataWritesDone() {
        Future<Void> last;
        synchronized (this) {
            last = lastMetadataWrite;
        }
        return last.transform(ignored -> Future.succeededFuture());
    }

    /**
     * The requests that entered while one keyring was current. {@link #close()} is called once a newer keyring is in
     * place; its future completes when the last of those requests has left. A request that reads the epoch just
     * before the swap and registers just after the check still reads the keyring after the swap (all are volatile
     * accesses in one total order), so it never uses the old keyring.
     */
    static final class Epoch {
        private final AtomicInteger inFlight = new AtomicInteger();
        private final Promise<Void> drained = Promise.promise();
        private volatile boolean closed;

        void leave() {
            if (inFlight.decrementAndGet() == 0 && closed) {
                drained.tryComplete();
            }
        }

        Future<Void> close() {
            closed = true;
            if (inFlight.get() == 0) {
                drained.tryComplete();
            }
            return drained.future();
        }
    }

    @Override
    public String toString() {
        return "Volume[" + name() + " " + id() + "]";
    }

    /** This volume's DEKs with its KEK, for the key-access state machine's directory of DEKs in use. */
    List<KeyAccessContext.DekInUse> deksInUse() {
        VolumeKeyring current = keyring();
        return current.deks().stream()
                .map(d -> new KeyAccessContext.DekInUse(
                        name(),
                        current.keyAccess().kek(),
                        d.wrapped(),
                        d.budget().claimed()))
                .toList();
    }

    /** What the API shows about this volume now; {@code rollover} is the re-seal progress, null when none. */
    VolumeInfo info(VolumeInfo.@Nullable Rollover rollover) {
        VolumeKeyring current = keyring();
        KeyAccessSnapshot key = current.keyAccess().snapshot();
        List<String> dekIds =
                current.deks().stream().map(d -> d.id().toString()).toList();
        VolumeCounters counters =
                new VolumeCounters(reads.sum(), writes.sum(), bytesIn.sum(), bytesOut.sum(), dekInvocations());
        return new VolumeInfo(
                id(),
                name(),
                sizeBytes(),
                blockSize(),
                blockCount(),
                current.kekId(),
                key.state(),
                key.since(),
                key.state() == KeyState.AVAILABLE ? null : key.causeName(),
                key.state() == KeyState.AVAILABLE ? null : key.causeText(),
                dekIds,
                current.deks().get(0).created(),
                counters,
                createdAt(),
                autoFollow(),
                rollover,
                cloneInfo());
    }

    private VolumeInfo.@Nullable Clone cloneInfo() {
        CloneOrigin c = origin;
        if (c == null) {
            return null;
        }
        BlockCopy.Progress p = cloneProgress;
        return new VolumeInfo.Clone(
                c.volume(),
                c.snapshot(),
                c.finished() ? "DONE" : "CLONING",
                c.started(),
                c.finished() || p == null ? null : p);
    }
}
