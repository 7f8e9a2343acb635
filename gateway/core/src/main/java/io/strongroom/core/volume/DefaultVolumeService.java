package io.strongroom.core.volume;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.KeyAccessContext;
import io.strongroom.core.keys.KeyVaults;
import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.MetadataStore;
import io.strongroom.crypto.BlockIntegrityException;
import io.strongroom.crypto.BlockSealer;
import io.strongroom.crypto.Dek;
import io.strongroom.crypto.DekId;
import io.strongroom.crypto.DestroyedKeyException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.lang.System.Logger.Level;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Encrypted volumes over a {@link BlockStore}: every block is sealed with the volume's active DEK on the way in
 * and opened on the way out, on an event loop of the service's Vert.x instance (the calling one, or the next one
 * for a call from another thread: {@link EventLoops}); file I/O happens in the store, on its worker threads.
 *
 * <p><b>Eager unwrap at start-up.</b> {@link #open} unwraps the DEK of every volume before it completes (at most
 * {@link VolumeServiceOptions#getStartupUnwrapConcurrency()} vault calls at once). The first request then never
 * waits for the vault, and a revoked or unreachable key shows up in the start-up log instead of in a client's
 * request hours later. A volume whose DEK cannot be unwrapped still opens: its data requests answer 503
 * KeyUnavailable at once (never waiting for the vault), and each such request starts a new unwrap attempt in
 * the background (at most one per retry interval), so the volume serves again as soon as the vault allows.
 * Once a KEK has failed for a key-wide reason, start-up skips the other volumes under it, so an unreachable
 * vault delays start-up by about one call deadline, not one per volume.
 */
public final class DefaultVolumeService implements VolumeService {
    private static final System.Logger LOG = System.getLogger(DefaultVolumeService.class.getName());
    /** Plaintext for callers that keep it: unpooled heap memory, which the collector frees. */
    private static final IntFunction<ByteBuf> HEAP = bytes -> Unpooled.buffer(bytes, bytes);

    private final BlockStore store;
    private final MetadataStore metadataStore;
    private final KeyVaults keys;
    private final SealedRuns runs;
    private final PlaintextBuffers plaintextBuffers = new PlaintextBuffers();
    private final VolumeServiceOptions options;
    private final VolumeLifecycle lifecycle;
    private final VolumeKeyChanges keyChanges;
    private final EventLoops loops;
    private final VolumeSnapshots snapshots;
    private final VolumeClones clones;
    private final ReplicationSource replication;
    private final ConcurrentHashMap<String, Volume> volumes = new ConcurrentHashMap<>();
    /** Keeps {@link #volumes} in step with a store other gateways share; null on a store of this gateway's own. */
    private final @Nullable VolumeRefresh refresh;

    private volatile boolean closed;

    private DefaultVolumeService(
            Vertx vertx,
            BlockStore store,
            MetadataStore metadataStore,
            KeyVaults keys,
            BlockSealer sealer,
            VolumeServiceOptions options) {
        this.store = store;
        this.metadataStore = metadataStore;
        this.keys = keys;
        this.runs = new SealedRuns(sealer);
        this.options = options;
        this.loops = new EventLoops(vertx);
        this.snapshots = new VolumeSnapshots(store, keys);
        this.replication = new ReplicationSource(
                store, snapshots, keys.dekCache(), keys.clock(), v -> requireKeys(v, v.keyring()));
        KekValidator validator = new KekValidator(keys);
        this.lifecycle = new VolumeLifecycle(store, metadataStore, keys, options, validator);
        this.keyChanges = new VolumeKeyChanges(vertx, loops, store, sealer, keys, validator, options, () -> closed);
        this.clones = new VolumeClones(
                store,
                lifecycle,
                snapshots,
                new KeyEvents(keys::activityLog, keys.clock()),
                keys.clock(),
                (v, snapshotId, first, count) -> loops.run(() -> readOnLoop(
                                v,
                                first,
                                count,
                                parent -> store.readSnapshot(parent.id(), snapshotId, first, count),
                                HEAP,
                                true))
                        .map(BufferInternal::buffer),
                (v, first, plaintext) ->
                        loops.run(() -> writeAdmitted(v, first, plaintext.length() / v.blockSize(), plaintext, false)));
        this.refresh =
                metadataStore.shared() ? new VolumeRefresh(vertx, metadataStore, lifecycle, snapshots, volumes) : null;
    }

    /**
     * Opens every volume found in {@code metadataStore} and unwraps their DEKs. The service owns {@code store} from
     * then on and closes it in {@link #close()}; the caller keeps {@code keys} (and closes it after this service).
     */
    public static Future<DefaultVolumeService> open(
            Vertx vertx,
            BlockStore store,
            MetadataStore metadataStore,
            KeyVaults keys,
            BlockSealer sealer,
            VolumeServiceOptions options) {
        try {
            options.validate();
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        DefaultVolumeService service = new DefaultVolumeService(vertx, store, metadataStore, keys, sealer, options);
        keys.accessContext().setDekDirectory(service::deksInUse);
        return service.lifecycle
                .loadAll()
                .compose(all -> {
                    List<Volume> loaded = new ArrayList<>();
                    List<Volume> unfinished = new ArrayList<>();
                    all.forEach(v -> (v.isCloning() ? unfinished : loaded).add(v));
                    return service.clones.discardUnfinished(unfinished).map(loaded);
                })
                .compose(service.lifecycle::claimNames)
                .compose(served -> {
                    served.forEach(v -> VolumeRefresh.register(service.volumes, v));
                    return service.snapshots
                            .load(service.volumes.values())
                            .compose(x -> new StartupUnwrap(service.lifecycle, options.getStartupUnwrapConcurrency())
                                    .run(service.volumes.values()));
                })
                .map(x -> {
                    service.keyChanges.start(service.volumes::values);
                    if (service.refresh != null) {
                        service.refresh.start(options.getRefreshInterval().toMillis());
                    }
                    return service;
                });
    }

    /** Every DEK of every open volume, with its KEK: what the key-access state machine destroys and unwraps again. */
    private List<KeyAccessContext.DekInUse> deksInUse() {
        List<KeyAccessContext.DekInUse> all = new ArrayList<>();
        volumes.values().forEach(v -> all.addAll(v.deksInUse()));
        return all;
    }

    @Override
    public Future<VolumeInfo> create(VolumeSpec spec) {
        if (closed) {
            return Future.failedFuture(closedError());
        }
        return lifecycle.create(spec, null, volumes).map(this::info);
    }

    @Override
    public Future<List<VolumeInfo>> list() {
        if (refresh != null && !closed) {
            return refresh.afterMiss().map(x -> listKnown());
        }
        return Future.succeededFuture(listKnown());
    }

    private List<VolumeInfo> listKnown() {
        List<VolumeInfo> infos = new ArrayList<>();
        volumes.values().forEach(v -> infos.add(info(v)));
        infos.sort(Comparator.comparing(VolumeInfo::name));
        return infos;
    }

    @Override
    public Future<VolumeInfo> get(String name) {
        return withVolume(name, v -> Future.succeededFuture(info(v)));
    }

    @Override
    public Future<Void> delete(String name) {
        return withServing(name, this::delete);
    }

    private Future<Void> delete(Volume v) {
        String name = v.name();
        // After the volume's other key changes (snapshots included), so none is taken behind the check.
        return v.serialKeyChange(() -> {
            try {
                requireWritable(v);
                VolumeSnapshots.requireNone(v, "deleting the volume");
            } catch (StrongroomException e) {
                return Future.failedFuture(e);
            }
            lifecycle.deleting(v.id());
            if (!volumes.remove(name, v)) {
                return Future.failedFuture(VolumeErrors.notFound(name));
            }
            return lifecycle.delete(v);
        });
    }

    @Override
    public Future<Buffer> read(String name, long firstBlock, int count) {
        if (closed) {
            return Future.failedFuture(closedError()); // at once: the event loops may be gone with the service
        }
        return loops.run(() -> readOnLoop(name, firstBlock, count, ownBlocks(firstBlock, count), HEAP))
                .map(BufferInternal::buffer);
    }

    @Override
    public Future<ByteBuf> readDirect(String name, long firstBlock, int count) {
        if (closed) {
            return Future.failedFuture(closedError());
        }
        return loops.run(
                () -> readOnLoop(name, firstBlock, count, ownBlocks(firstBlock, count), plaintextBuffers::allocate));
    }

    @Override
    public long directBuffersInUse() {
        return plaintextBuffers.inUse();
    }

    private Function<Volume, Future<Buffer>> ownBlocks(long firstBlock, int count) {
        return v -> store.read(v.id(), firstBlock, count);
    }

    private Future<ByteBuf> readOnLoop(
            String name,
            long firstBlock,
            int count,
            Function<Volume, Future<Buffer>> fetch,
            IntFunction<ByteBuf> output) {
        Volume known = ready(name);
        if (known != null) {
            return readOnLoop(known, firstBlock, count, fetch, output, true);
        }
        return withServing(name, v -> readOnLoop(v, firstBlock, count, fetch, output, true));
    }

    /**
     * Reads and opens {@code count} slots that {@code fetch} fetches into a buffer from {@code output}, after the
     * volume's checks: run, key access, DEKs in memory. The volume's own blocks and a snapshot's are opened alike:
     * same volume id, same DEKs. The buffer is released here if opening fails, else it is the caller's.
     */
    private Future<ByteBuf> readOnLoop(
            Volume v,
            long firstBlock,
            int count,
            Function<Volume, Future<Buffer>> fetch,
            IntFunction<ByteBuf> output,
            boolean reloadOnUnknownDek) {
        String name = v.name();
        VolumeKeyring keyring;
        Volume.Epoch epoch;
        try {
            VolumeRules.checkRun(name, v.blockCount(), firstBlock, count);
        } catch (StrongroomException e) {
            return Future.failedFuture(e);
        }
        epoch = v.enter();
        try {
            keyring = v.keyring();
            requireKeys(v, keyring);
        } catch (StrongroomException e) {
            epoch.leave();
            return Future.failedFuture(e);
        }
        return fetch.apply(v)
                .recover(e -> Future.failedFuture(VolumeErrors.fromStore(name, e)))
                .map(slots -> {
                    ByteBuf plaintext = output.apply(count * v.blockSize());
                    try {
                        open(v, keyring, firstBlock, count, slots, plaintext, reloadOnUnknownDek && refresh != null);
                    } catch (RuntimeException e) {
                        plaintext.release();
                        throw e;
                    }
                    v.reads.increment();
                    v.bytesOut.add(plaintext.readableBytes());
                    return plaintext;
                })
                .andThen(x -> epoch.leave())
                .recover(e -> e instanceof UnknownDek
                        // sealed under a DEK another gateway rolled over to: take its keys in, then read again
                        ? refresh.reload(v)
                                .compose(x -> loops.run(() -> readOnLoop(v, firstBlock, count, fetch, output, false)))
                        : Future.failedFuture(e));
    }

    /** A slot names a DEK this gateway does not know for the volume; only thrown where it may be a newer one. */
    private static final class UnknownDek extends RuntimeException {
        UnknownDek() {
            super("sealed under a DEK this gateway does not know", null, false, false);
        }
    }

    private void open(
            Volume v,
            VolumeKeyring keyring,
            long firstBlock,
            int count,
            Buffer slots,
            ByteBuf out,
            boolean unknownDekMayBeNew) {
        try {
            runs.open(
                    v.id(),
                    v.blockSize(),
                    firstBlock,
                    count,
                    slots,
                    id -> dekOf(v, keyring, id, unknownDekMayBeNew),
                    out);
        } catch (BlockIntegrityException e) {
            LOG.log(
                    Level.ERROR,
                    "block integrity failure in volume {0} ({1}) at block {2}: {3}",
                    v.name(),
                    v.id(),
                    String.valueOf(e.address().blockNumber()),
                    e.getMessage());
            throw new StrongroomException(
                    ErrorCode.BlockIntegrityError,
                    "block " + e.address().blockNumber() + " of volume " + v.name() + " failed its integrity check");
        } catch (DestroyedKeyException e) {
            throw keyGone(v);
        }
    }

    /**
     * The volume's DEK {@code id}, or null when the volume has no such DEK (KeyUnavailable if not in memory;
     * {@link UnknownDek} instead of null if {@code unknownMayBeNew}).
     */
    private @Nullable Dek dekOf(Volume v, VolumeKeyring keyring, DekId id, boolean unknownMayBeNew) {
        if (keyring.dek(id) == null) {
            if (unknownMayBeNew) {
                throw new UnknownDek();
            }
            return null;
        }
        Dek dek = keys.dekCache().get(id);
        if (dek == null) {
            throw keyGone(v);
        }
        return dek;
    }

    @Override
    public Future<Void> write(String name, long firstBlock, Buffer plaintext, boolean fua) {
        if (closed) {
            return Future.failedFuture(closedError()); // at once: the event loops may be gone with the service
        }
        return loops.run(() -> writeOnLoop(name, firstBlock, plaintext, fua, false));
    }

    /**
     * Writes blocks a replica received from its primary (docs/REPLICAS.md): {@code slots} are sealed images of the
     * primary volume {@code sourceId}, opened with {@code sourceDeks} (the primary's DEKs, in the replica's memory
     * for one cycle) and written through the normal write path, sealed under this volume's own DEK and id. The one
     * write path a read-only replica volume accepts.
     */
    Future<Void> writeReplicated(
            String name, UUID sourceId, Function<DekId, Dek> sourceDeks, long firstBlock, int count, Buffer slots) {
        if (closed) {
            return Future.failedFuture(closedError());
        }
        return loops.run(() -> {
            Buffer plaintext;
            try {
                int blockSize = volume(name).blockSize();
                ByteBuf opened = HEAP.apply(count * blockSize);
                runs.open(sourceId, blockSize, firstBlock, count, slots, sourceDeks, opened);
                plaintext = BufferInternal.buffer(opened);
            } catch (StrongroomException e) {
                return Future.failedFuture(e);
            } catch (BlockIntegrityException | DestroyedKeyException e) {
                return Future.failedFuture(new StrongroomException(
                        ErrorCode.BlockIntegrityError,
                        "a block shipped for replica " + name + " failed to open: " + e.getMessage()));
            }
            return writeOnLoop(name, firstBlock, plaintext, false, true);
        });
    }

    /** Trims blocks a replica's primary shipped as empty: the one trim a read-only replica volume accepts. */
    Future<Void> trimReplicated(String name, long firstBlock, long count) {
        return trim(name, firstBlock, count, true);
    }

    /** The activity log's events of the volume layer, for the replicas. */
    KeyEvents events() {
        return new KeyEvents(keys::activityLog, keys.clock());
    }

    /** Makes volume {@code name} a read-only replica (writes and trims refused, ReadOnlyReplica) or writable again. */
    void replicaTarget(String name, boolean readOnly) {
        volume(name).readOnly(readOnly);
    }

    private static void requireWritable(Volume v) {
        if (v.readOnly()) {
            throw new StrongroomException(
                    ErrorCode.ReadOnlyReplica,
                    "volume " + v.name() + " is a read replica: it serves reads only until it is promoted");
        }
    }

    private Future<Void> writeOnLoop(String name, long firstBlock, Buffer plaintext, boolean fua, boolean replicated) {
        Volume known = ready(name);
        if (known != null) {
            return writeOnLoop(known, firstBlock, plaintext, fua, replicated);
        }
        return withServing(name, v -> writeOnLoop(v, firstBlock, plaintext, fua, replicated));
    }

    private Future<Void> writeOnLoop(Volume v, long firstBlock, Buffer plaintext, boolean fua, boolean replicated) {
        String name = v.name();
        int count;
        try {
            if (!replicated) {
                requireWritable(v);
            }
            count = VolumeRules.blocksIn(plaintext.length(), v.blockSize());
            VolumeRules.checkRun(name, v.blockCount(), firstBlock, count);
        } catch (StrongroomException e) {
            return Future.failedFuture(e);
        }
        // Gate first (a re-seal run of these blocks finishes before), then the epoch and keyring: the DEK is taken
        // after any wait, so a rollover during the wait is seen.
        return v.resealGate
                .enter(firstBlock, count)
                .compose(admitted -> writeAdmitted(v, firstBlock, count, plaintext, fua))
                .andThen(x -> v.resealGate.leave(firstBlock, count))
                .onSuccess(x -> keyChanges.afterWrite(v));
    }

    /**
     * Seals and writes an admitted run as the volume's writer: that is settled first ({@link Volume#asWriter}), as
     * taking a volume over may take in keys another gateway changed, and the run must be sealed under the current
     * active DEK. An inaccessible key refuses the write before that (KeyInaccessible, as every data request).
     */
    private Future<Void> writeAdmitted(Volume v, long firstBlock, int count, Buffer plaintext, boolean fua) {
        try {
            v.keyring().keyAccess().requireServing(v.name());
        } catch (StrongroomException e) {
            return Future.failedFuture(e);
        }
        return v.asWriter()
                .recover(e -> Future.failedFuture(VolumeErrors.fromStore(v.name(), e)))
                .compose(writer -> sealAndWrite(v, firstBlock, count, plaintext, fua));
    }

    private Future<Void> sealAndWrite(Volume v, long firstBlock, int count, Buffer plaintext, boolean fua) {
        String name = v.name();
        Volume.Epoch epoch = v.enter();
        Dek dek;
        VolumeKeyring.VolumeDek active;
        try {
            VolumeKeyring keyring = v.keyring();
            requireKeys(v, keyring);
            active = keyring.active();
            dek = keys.dekCache().get(active.id());
            if (dek == null) {
                throw keyGone(v);
            }
        } catch (StrongroomException e) {
            epoch.leave();
            return Future.failedFuture(e);
        }
        return v.claimSeals(active, count)
                .recover(e -> Future.failedFuture(VolumeErrors.fromStore(name, e)))
                .compose(reserved -> {
                    if (v.keyring().dek(active.id()) == null) {
                        // keys another gateway changed, taken in between the two writer checks, dropped this DEK
                        return Future.failedFuture(new StrongroomException(
                                ErrorCode.StorageUnavailable,
                                "the keys of volume " + name
                                        + " were changed by another gateway meanwhile; try again"));
                    }
                    Buffer slots;
                    try {
                        slots = runs.seal(v.id(), v.blockSize(), firstBlock, count, plaintext, dek);
                    } catch (DestroyedKeyException e) {
                        return Future.failedFuture(keyGone(v));
                    }
                    return store.write(v.id(), firstBlock, slots, fua);
                })
                .recover(e -> Future.failedFuture(VolumeErrors.fromStore(name, e)))
                .andThen(x -> epoch.leave())
                .onSuccess(x -> {
                    v.writes.increment();
                    v.bytesIn.add(plaintext.length());
                });
    }

    @Override
    public Future<Void> trim(String name, long firstBlock, long count) {
        if (closed) {
            return Future.failedFuture(closedError());
        }
        // Through the loops like a write: a trim waiting for a re-seal is let in from the re-seal's loop.
        return loops.run(() -> trim(name, firstBlock, count, false));
    }

    private Future<Void> trim(String name, long firstBlock, long count, boolean replicated) {
        return withServing(name, v -> trim(v, firstBlock, count, replicated));
    }

    private Future<Void> trim(Volume v, long firstBlock, long count, boolean replicated) {
        String name = v.name();
        try {
            if (!replicated) {
                requireWritable(v);
            }
            VolumeRules.checkRun(name, v.blockCount(), firstBlock, count);
            requireKeys(v, v.keyring());
        } catch (StrongroomException e) {
            return Future.failedFuture(e);
        }
        // Through the re-seal gate like a write: a re-seal must not bring back a block trimmed meanwhile.
        return v.resealGate
                .enter(firstBlock, count)
                .compose(admitted -> store.trim(v.id(), firstBlock, count))
                .andThen(x -> v.resealGate.leave(firstBlock, count))
                .recover(e -> Future.failedFuture(VolumeErrors.fromStore(name, e)));
    }

    @Override
    public Future<Void> flush(String name) {
        return withServing(name, v -> {
            v.keyring().keyAccess().requireServing(name); // an inaccessible key refuses every data request, flush too
            return store.flush(v.id()).recover(e -> Future.failedFuture(VolumeErrors.fromStore(name, e)));
        });
    }

    @Override
    public Future<VolumeInfo> changeKek(String name, KekChange change) {
        return withServing(name, v -> keyChanges.changeKek(v, change).map(x -> info(v)));
    }

    @Override
    public Future<VolumeInfo> rollover(String name) {
        return withServing(name, v -> keyChanges.rollover(v).map(x -> info(v)));
    }

    @Override
    public Future<SnapshotInfo> createSnapshot(String name, String snapshot) {
        return withVolume(name, v -> snapshots.create(notCloning(v), snapshot));
    }

    @Override
    public Future<List<SnapshotInfo>> snapshots(String name) {
        return withVolume(name, snapshots::list);
    }

    @Override
    public Future<SnapshotInfo> snapshot(String name, String snapshot) {
        return withVolume(name, v -> snapshots.get(v, snapshot));
    }

    @Override
    public Future<Buffer> readSnapshot(String name, String snapshot, long firstBlock, int count) {
        if (closed) {
            return Future.failedFuture(closedError());
        }
        return loops.run(() ->
                        readOnLoop(name, firstBlock, count, v -> snapshots.read(v, snapshot, firstBlock, count), HEAP))
                .map(BufferInternal::buffer);
    }

    @Override
    public Future<CloneJob> cloneSnapshot(String name, String snapshot, VolumeSpec clone) {
        if (clone == null) {
            return Future.failedFuture(new StrongroomException(ErrorCode.InvalidArgument, "a clone needs a spec"));
        }
        return withVolume(name, v -> clones.start(notCloning(v), snapshot, clone, volumes));
    }

    @Override
    public CloneStats cloneStats() {
        return new CloneStats(clones.blocksCopied(), clones.running());
    }

    /**
     * Puts volume {@code name} back to snapshot {@code snapshot} (docs/REPLICAS.md, promotion): the blocks changed
     * since it was taken get their images from it again; the number of blocks put back. For a replica's volume, whose
     * clients cannot write meanwhile.
     */
    Future<Long> revertToSnapshot(String name, String snapshot) {
        return withVolume(name, v -> snapshots.revert(v, snapshot));
    }

    @Override
    public Future<Void> deleteSnapshot(String name, String snapshot) {
        return withVolume(name, v -> snapshots.delete(v, snapshot));
    }

    @Override
    public Future<ReplicationCycle> startReplicationCycle(
            String name, String stream, @Nullable String base, boolean fresh, RSAPublicKey recipient) {
        return withVolume(name, v -> replication.start(v, stream, base, fresh, recipient));
    }

    @Override
    public Future<Buffer> replicationPage(
            String name,
            String stream,
            String cycle,
            ReplicationCycle.Mode mode,
            @Nullable String base,
            long from,
            int max) {
        return withVolume(name, v -> replication.page(v, stream, cycle, mode, base, from, max));
    }

    @Override
    public Future<Void> releaseReplication(String name, String stream) {
        return withVolume(name, v -> replication.release(v, stream));
    }

    /**
     * Runs {@code action} on volume {@code name} (one being cloned included). On a store other gateways share, a name
     * this gateway does not know is looked up there first ({@link VolumeRefresh#afterMiss}); a StrongroomException
     * {@code action} throws fails the result.
     */
    private <T> Future<T> withVolume(String name, Function<Volume, Future<T>> action) {
        if (refresh != null && name != null && !closed && !volumes.containsKey(name)) {
            return refresh.afterMiss().compose(x -> loops.run(() -> apply(name, action)));
        }
        return apply(name, action);
    }

    /** The volume {@code name} if it is known and serves requests, else null: the data paths' fast lookup. */
    private @Nullable Volume ready(String name) {
        Volume v = name == null || closed ? null : volumes.get(name);
        return v == null || v.isCloning() ? null : v;
    }

    /** {@link #withVolume}, for a volume that serves requests (not one being cloned: VolumeCloning). */
    private <T> Future<T> withServing(String name, Function<Volume, Future<T>> action) {
        return withVolume(name, v -> action.apply(notCloning(v)));
    }

    private <T> Future<T> apply(String name, Function<Volume, Future<T>> action) {
        try {
            return action.apply(volume(name));
        } catch (StrongroomException e) {
            return Future.failedFuture(e);
        }
    }

    @Override
    public OptionalInt blockSize(String name) {
        Volume v = name == null ? null : volumes.get(name);
        return v == null ? OptionalInt.empty() : OptionalInt.of(v.blockSize());
    }

    @Override
    public Future<Void> close() {
        if (closed) {
            return Future.succeededFuture();
        }
        closed = true;
        keyChanges.stop();
        if (refresh != null) {
            refresh.stop();
        }
        List<Future<Void>> metadataWrites = new ArrayList<>();
        volumes.values().forEach(v -> metadataWrites.add(v.metadataWritesDone()));
        return Future.join(metadataWrites)
                .transform(ignored -> store.close())
                .andThen(ignored -> volumes.values()
                        .forEach(v ->
                                v.keyring().deks().forEach(d -> keys.dekCache().destroy(d.id()))))
                .mapEmpty();
    }

    private Volume volume(String name) {
        if (closed) {
            throw closedError();
        }
        Volume v = name == null ? null : volumes.get(name);
        if (v == null) {
            throw VolumeErrors.notFound(name);
        }
        return v;
    }

    private static Volume notCloning(Volume v) {
        if (v.isCloning()) {
            throw new StrongroomException(
                    ErrorCode.VolumeCloning,
                    "volume " + v.name() + " is being cloned from snapshot "
                            + v.origin().snapshot() + " of volume " + v.origin().volume()
                            + "; it serves requests once the copy is done");
        }
        return v;
    }

    /**
     * Fails unless blocks of {@code v} may be served and all its DEKs are in memory; a missing DEK starts a
     * background unwrap (rate-limited) and the request fails at once with KeyUnavailable.
     */
    private void requireKeys(Volume v, VolumeKeyring keyring) {
        keyring.keyAccess().requireServing(v.name());
        for (VolumeKeyring.VolumeDek d : keyring.deks()) {
            if (!keys.dekCache().contains(d.id())) {
                if (v.mayRetryUnwrap(
                        System.nanoTime(), options.getUnwrapRetryInterval().toNanos())) {
                    lifecycle.unwrap(v, keyring, d);
                }
                throw VolumeErrors.fromUnwrap(v, keyring.keyAccess());
            }
        }
    }

    /** A DEK that vanished under a request: the volume was deleted, the service closed or the key lost. */
    private StrongroomException keyGone(Volume v) {
        if (v.isDeleted()) {
            return VolumeErrors.notFound(v.name());
        }
        return closed ? closedError() : VolumeErrors.keyUnavailable(v, "its DEK is not in memory");
    }

    private static StrongroomException closedError() {
        return new StrongroomException(ErrorCode.StorageUnavailable, "the volume service is closed");
    }

    private VolumeInfo info(Volume v) {
        return v.info(keyChanges.rolloverState(v));
    }
}
