package io.strongroom.store.ceph;

import static io.strongroom.core.store.BlockStoreException.Reason.BAD_LENGTH;
import static io.strongroom.core.store.BlockStoreException.Reason.INVALID_ARGUMENT;
import static io.strongroom.core.store.BlockStoreException.Reason.OUT_OF_RANGE;
import static io.strongroom.core.store.BlockStoreException.Reason.QUEUE_FULL;
import static io.strongroom.core.store.BlockStoreException.Reason.TOO_LARGE;
import static io.strongroom.core.store.BlockStoreException.Reason.VOLUME_EXISTS;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.BlockStoreStats;
import io.strongroom.core.store.StorageOptions;
import io.strongroom.core.store.StoreMetric;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The {@link BlockStore} of the {@code ceph} backend: each volume's slots in RADOS objects of
 * {@link #TARGET_OBJECT_BYTES} or less, a slot never straddling two objects, so every slot is written by one RADOS
 * operation on one object, which is atomic. Layout and reasons: docs/SCALE-OUT.md.
 *
 * <p>librados calls block, so they run on the store's own worker pool ({@code threads} of them, the queue depth it
 * offers the cluster), never on an event loop; futures complete on the caller's context. RADOS acknowledges a write
 * once it is durable on every replica, so every write is acknowledged durable whatever the configured
 * {@link io.strongroom.core.store.Durability}, a FUA write costs nothing more, and a flush only waits for the
 * volume's writes and trims in flight.
 */
public final class CephBlockStore implements BlockStore {

    /**
     * A data object holds as many whole slots as fit in this (2 MiB: 170 sealed 8 KiB blocks in 12 KiB strides; 254
     * of 8,240 bytes in volumes of the packed layout).
     */
    static final int TARGET_OBJECT_BYTES = 2 * 1024 * 1024;

    /** The largest slot: one slot per object. */
    static final int MAX_SLOT_SIZE = 64 * 1024 * 1024;

    /** Trims remove or zero this many objects per worker task, so a volume-wide trim does not flood the pool. */
    private static final int OBJECTS_PER_TRIM_TASK = 64;

    static final int HEADER_MAX_BYTES = 4096;

    private static final AtomicInteger POOLS = new AtomicInteger();

    /** How often a store looks for what interrupted creations and deletions left in the pool ({@link Leftovers}). */
    static final Duration LEFTOVER_PERIOD = Duration.ofHours(6);

    private static final System.Logger LOG = System.getLogger(CephBlockStore.class.getName());

    private final Vertx vertx;
    private volatile Rados rados;
    private final WriterLeases leases;
    private final long renewalTimer;
    private final long leftoverTimer;
    private final WorkerExecutor workers;
    private final StorageOptions options;
    private final Map<UUID, CephVolume> volumes = new ConcurrentHashMap<>();
    private final Map<UUID, Future<CephVolume>> lookups = new ConcurrentHashMap<>();
    private final ReadWriteLock connection = new ReentrantReadWriteLock();
    private final AtomicBoolean reconnecting = new AtomicBoolean();
    private final AtomicInteger pendingWrites = new AtomicInteger();
    private final LongAdder reads = new LongAdder();
    private final LongAdder readBytes = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder writeBytes = new LongAdder();
    private final LongAdder trims = new LongAdder();
    private final LongAdder flushes = new LongAdder();
    private final LongAdder objectOps = new LongAdder();
    private final LongAdder reconnections = new LongAdder();
    private volatile boolean closed;
    private volatile boolean disconnected;
    private volatile boolean renewalsStalled;
    private volatile CephVolume.Layout newLayout = CephVolume.Layout.PADDED;
    private volatile Future<Void> closing;

    CephBlockStore(Vertx vertx, Rados rados, StorageOptions options, int threads, long leaseSeconds) {
        this.vertx = vertx;
        this.rados = rados;
        this.options = options;
        this.workers = vertx.createSharedWorkerExecutor("strongroom-ceph-" + POOLS.incrementAndGet(), threads);
        this.leases = new WriterLeases(() -> this.rados, leaseSeconds);
        this.renewalTimer = vertx.setPeriodic(TimeUnit.SECONDS.toMillis(leaseSeconds) / 4, id -> {
            if (!renewalsStalled) {
                blocking(() -> {
                    leases.renewAll();
                    return null;
                });
            }
        });
        this.leftoverTimer = vertx.setPeriodic(1, LEFTOVER_PERIOD.toMillis(), id -> collectLeftovers(Leftovers.GRACE));
    }

    /**
     * Walks the pool's namespace and removes what interrupted creations and deletions left ({@link Leftovers}):
     * once when the store opens, then every {@link #LEFTOVER_PERIOD}. Logs what it removed, or why it could not.
     */
    Future<Leftovers.Collected> collectLeftovers(Duration grace) {
        return blocking(() -> Leftovers.collect(rados, grace, Instant.now())).andThen(ar -> {
            if (ar.succeeded() && ar.result().total() > 0) {
                LOG.log(
                        System.Logger.Level.INFO,
                        "removed what interrupted volume deletions and creations left in the pool: {0} data"
                                + " objects, {1} headers without a document, {2} name claims of volumes"
                                + " without one",
                        ar.result().dataObjects(),
                        ar.result().headers(),
                        ar.result().claims());
            } else if (ar.failed() && !closed) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "could not look for leftovers of interrupted volume deletions in the pool ({0}); tried"
                                + " again in {1} h",
                        ar.cause().getMessage(),
                        LEFTOVER_PERIOD.toHours());
            }
        });
    }

    @Override
    public Future<Void> createVolume(UUID volumeId, int slotSize, long blockCount) {
        if (closed) {
            return Future.failedFuture(BlockStoreException.closed());
        }
        BlockStoreException bad = BlockStoreException.badGeometry(volumeId, slotSize, blockCount, MAX_SLOT_SIZE);
        if (bad != null) {
            return Future.failedFuture(bad);
        }
        CephVolume v = CephVolume.create(
                volumeId,
                slotSize,
                blockCount,
                TARGET_OBJECT_BYTES,
                newLayout,
                Long.toHexString(ThreadLocalRandom.current().nextLong()));
        return blocking(() -> {
            try {
                rados.createExclusive(v.headerName(), v.header());
            } catch (RadosException e) {
                if (e.errno() == RadosException.EEXIST) {
                    throw new BlockStoreException(VOLUME_EXISTS, "volume " + volumeId + " exists");
                }
                throw e;
            }
            volumes.put(volumeId, v);
            return null;
        });
    }

    /**
     * Refuses new calls at once, waits for the volume's writes in flight, then removes its entry in the volume
     * directory, its header (with its document) and its data objects, in that order: a crash in between leaves only
     * objects of an incarnation no header names, never a volume with part of its data.
     */
    @Override
    public Future<Void> deleteVolume(UUID volumeId) {
        return volume(volumeId)
                .compose(v -> leased(v).compose(epoch -> {
                    if (!v.markDeleted()) {
                        throw BlockStoreException.unknownVolume(volumeId);
                    }
                    return v.drained()
                            .compose(x -> this.<Void>leasedCall(v, epoch, () -> {
                                rados.removeOmap(CephMetadataStore.DIRECTORY, volumeId.toString());
                                rados.remove(v.headerName());
                                leases.forget(v);
                                for (long o = 0; o < v.objectCount(); o++) {
                                    rados.remove(v.dataObject(o));
                                }
                                return null;
                            }))
                            .onComplete(ar -> volumes.remove(volumeId, v));
                }));
    }

    @Override
    public Future<Buffer> read(UUID volumeId, long firstBlock, int count) {
        if (closed) {
            return Future.failedFuture(BlockStoreException.closed());
        }
        return volume(volumeId).compose(v -> {
            checkRun(v, firstBlock, count);
            long bytes = (long) count * v.slotSize();
            if (bytes > options.getMaxRequestBytes()) {
                throw new BlockStoreException(
                        TOO_LARGE, "read of " + count + " blocks exceeds " + options.getMaxRequestBytes() + " bytes");
            }
            List<Piece> pieces = pieces(v, firstBlock, count);
            List<Future<byte[]>> parts = new ArrayList<>();
            for (Piece p : pieces) {
                parts.add(blocking(() -> {
                    byte[] into = v.readExtent(Math.toIntExact(p.slots));
                    rados.read(v.dataObject(p.object), into, v.offset(p.firstSlotInObject));
                    return into;
                }));
            }
            return Future.all(parts).map(all -> {
                Buffer out = Buffer.buffer((int) bytes);
                for (int i = 0; i < parts.size(); i++) {
                    v.gather(parts.get(i).result(), Math.toIntExact(pieces.get(i).slots), out);
                }
                reads.increment();
                readBytes.add(bytes);
                return out;
            });
        });
    }

    @Override
    public Future<Void> write(UUID volumeId, long firstBlock, Buffer slots) {
        if (closed) {
            return Future.failedFuture(BlockStoreException.closed());
        }
        if (slots == null) {
            return Future.failedFuture(new BlockStoreException(INVALID_ARGUMENT, "no slots to write"));
        }
        return volume(volumeId).compose(v -> {
            if (slots.length() == 0 || slots.length() % v.slotSize() != 0) {
                throw new BlockStoreException(
                        BAD_LENGTH,
                        "write of " + slots.length() + " bytes is not a positive multiple of the slot size "
                                + v.slotSize());
            }
            if (slots.length() > options.getMaxRequestBytes()) {
                throw new BlockStoreException(
                        TOO_LARGE, "write of " + slots.length() + " bytes exceeds " + options.getMaxRequestBytes());
            }
            long count = slots.length() / v.slotSize();
            checkRun(v, firstBlock, count);
            return pendingWrite(
                    v,
                    () -> leased(v).compose(epoch -> {
                        List<Future<Void>> parts = new ArrayList<>();
                        for (Piece p : pieces(v, firstBlock, count)) {
                            byte[] data = v.spread(
                                    slots,
                                    Math.toIntExact(p.firstSlotOfRequest * v.slotSize()),
                                    Math.toIntExact(p.slots));
                            parts.add(leasedCall(v, epoch, () -> {
                                rados.write(v.dataObject(p.object), data, v.offset(p.firstSlotInObject));
                                return null;
                            }));
                        }
                        return Future.all(parts).<Void>mapEmpty().onSuccess(x -> {
                            writes.increment();
                            writeBytes.add(slots.length());
                        });
                    }));
        });
    }

    /** Every write is acknowledged once durable on all replicas, so a FUA write is a plain write. */
    @Override
    public Future<Void> write(UUID volumeId, long firstBlock, Buffer slots, boolean fua) {
        return write(volumeId, firstBlock, slots);
    }

    /** Objects the run covers whole are removed; the slots of the others are zeroed in place (a RADOS zero op). */
    @Override
    public Future<Void> trim(UUID volumeId, long firstBlock, long count) {
        if (closed) {
            return Future.failedFuture(BlockStoreException.closed());
        }
        return volume(volumeId).compose(v -> {
            checkRun(v, firstBlock, count);
            return pendingWrite(
                    v,
                    () -> leased(v).compose(epoch -> {
                        List<Piece> all = pieces(v, firstBlock, count);
                        List<Future<Void>> parts = new ArrayList<>();
                        for (int i = 0; i < all.size(); i += OBJECTS_PER_TRIM_TASK) {
                            List<Piece> batch = all.subList(i, Math.min(all.size(), i + OBJECTS_PER_TRIM_TASK));
                            parts.add(leasedCall(v, epoch, () -> {
                                for (Piece p : batch) {
                                    if (p.slots == v.slotsPerObject()) {
                                        rados.remove(v.dataObject(p.object));
                                    } else {
                                        rados.zero(
                                                v.dataObject(p.object),
                                                v.offset(p.firstSlotInObject),
                                                v.extent(p.slots));
                                    }
                                }
                                return null;
                            }));
                        }
                        return Future.all(parts).<Void>mapEmpty().onSuccess(x -> trims.increment());
                    }));
        });
    }

    /** RADOS acknowledged every completed write durable: a flush waits for those in flight when it was called. */
    @Override
    public Future<Void> flush(UUID volumeId) {
        if (closed) {
            return Future.failedFuture(BlockStoreException.closed());
        }
        Context caller = vertx.getOrCreateContext();
        return volume(volumeId).compose(v -> onContext(caller, v.drained()).onSuccess(x -> flushes.increment()));
    }

    /**
     * Waits for the writes in flight and for every librados call running, then releases the leases held and
     * disconnects from the cluster; calls made afterwards fail with CLOSED.
     */
    @Override
    public synchronized Future<Void> close() {
        if (closing == null) {
            closed = true;
            vertx.cancelTimer(renewalTimer);
            vertx.cancelTimer(leftoverTimer);
            Context caller = vertx.getOrCreateContext();
            List<Future<Void>> drained =
                    volumes.values().stream().map(CephVolume::drained).toList();
            closing = onContext(
                    caller,
                    Future.join(drained)
                            .transform(ar -> vertx.<Void>executeBlocking(() -> {
                                connection.writeLock().lock();
                                try {
                                    disconnected = true;
                                    leases.releaseAll();
                                    rados.close();
                                } finally {
                                    connection.writeLock().unlock();
                                }
                                return null;
                            }))
                            .compose(x -> workers.close()));
        }
        return closing;
    }

    @Override
    public int pendingWrites() {
        return pendingWrites.get();
    }

    @Override
    public int maxPendingWrites() {
        return options.getMaxPendingWrites();
    }

    @Override
    public int maxRequestBytes() {
        return options.getMaxRequestBytes();
    }

    @Override
    public BlockStoreStats stats() {
        return new BlockStoreStats(
                reads.sum(),
                readBytes.sum(),
                0,
                0,
                writes.sum(),
                writeBytes.sum(),
                trims.sum(),
                flushes.sum(),
                pendingWrites.get(),
                List.of(
                        StoreMetric.counter(
                                "objectOps",
                                objectOps.sum(),
                                "librados calls made (each one or more operations on one object)"),
                        StoreMetric.counter(
                                "leaseAcquisitions",
                                leases.acquisitions(),
                                "volume writer leases taken (cls_lock on the volume's header)"),
                        StoreMetric.counter(
                                "fencedGateways",
                                leases.fenced(),
                                "gateways added to the OSD blocklist when their lapsed lease was taken over"),
                        StoreMetric.counter(
                                "reconnections",
                                reconnections.sum(),
                                "librados clients replaced because this gateway had been fenced")));
    }

    /**
     * The epoch of the volume's writer lease while this store holds it, else 0: a gateway that does not write a volume
     * keeps none of its slots in a cache, and one that takes its lease again drops them (another may have written).
     */
    @Override
    public long cacheEpoch(UUID volumeId) {
        CephVolume v = volumeId == null ? null : volumes.get(volumeId);
        return v == null || v.deleted() ? 0 : v.cacheEpoch();
    }

    Rados rados() {
        return rados;
    }

    /**
     * Completes with the lease's epoch once this store holds the volume's writer lease (taking it if needed, fencing a
     * lapsed holder); fails with LEASED_ELSEWHERE while another gateway holds it.
     */
    Future<Long> leased(CephVolume v) {
        Future<Void> held = v.leaseHeld()
                ? Future.succeededFuture()
                : v.acquiring(() -> blocking(() -> {
                    leases.acquire(v);
                    return null;
                }));
        return held.map(x -> v.cacheEpoch());
    }

    /**
     * Runs {@code call} on a worker only while the lease of {@code epoch} is still held (IO_ERROR if not), so a write
     * queued behind a lease that lapsed or was dropped never reaches the OSDs, whichever client is connected by then.
     */
    <T> Future<T> leasedCall(CephVolume v, long epoch, RadosCall<T> call) {
        return blocking(() -> {
            v.requireLease(epoch);
            return call.run();
        });
    }

    /**
     * What a crash of the process does to this store, for tests: it stops renewing its leases and serves nothing more,
     * releasing nothing (the leases lapse, and the next holder fences this client).
     */
    void abandon() {
        closed = true;
        vertx.cancelTimer(renewalTimer);
        vertx.cancelTimer(leftoverTimer);
    }

    /** Creates volumes of {@code layout} from now on (the packed layout of older volumes), for tests. */
    void createVolumesAs(CephVolume.Layout layout) {
        newLayout = layout;
    }

    /** Stops (or resumes) renewing the leases held, as a gateway stalled by a long pause does, for tests. */
    void stallRenewals(boolean stalled) {
        renewalsStalled = stalled;
    }

    /** Releases the volume's writer lease while the store stays open, as a graceful stop does, for tests. */
    Future<Void> release(UUID volumeId) {
        return volume(volumeId)
                .compose(v -> blocking(() -> {
                    leases.release(v);
                    return null;
                }));
    }

    /**
     * Runs one or more librados calls on a worker; fails with CLOSED once the connection is shut. A call refused
     * because this client was fenced fails, and has the connection replaced ({@link #reconnect}).
     */
    <T> Future<T> blocking(RadosCall<T> call) {
        return workers.executeBlocking(
                () -> {
                    connection.readLock().lock();
                    Rados used = rados;
                    try {
                        if (disconnected) {
                            throw BlockStoreException.closed();
                        }
                        objectOps.increment();
                        return call.run();
                    } catch (RadosException e) {
                        if (e.fenced()) {
                            reconnect(used);
                        }
                        throw e.toStoreException();
                    } finally {
                        connection.readLock().unlock();
                    }
                },
                false);
    }

    /**
     * Replaces the client {@code fenced} (on the OSD blocklist since another gateway took over a lease it held) by a
     * new one, so this gateway reads again and can take leases again without a restart: once the calls running on
     * it have ended (each fails at once), every lease is dropped without release (so no cache keeps a slot under it
     * and no write queued under it goes out), and the new client is connected before the old one is shut down. A
     * connection that fails leaves the fenced client in place, and the next refused call tries again.
     */
    private void reconnect(Rados fenced) {
        if (!reconnecting.compareAndSet(false, true)) {
            return;
        }
        vertx.<Void>executeBlocking(
                        () -> {
                            connection.writeLock().lock();
                            try {
                                if (!disconnected && rados == fenced) {
                                    LOG.log(
                                            System.Logger.Level.WARNING,
                                            "this gateway's librados client was fenced (OSD blocklist): dropping"
                                                    + " its writer leases and connecting a new client");
                                    leases.dropAll();
                                    rados = fenced.reconnect();
                                    fenced.close();
                                    reconnections.increment();
                                }
                            } finally {
                                connection.writeLock().unlock();
                            }
                            return null;
                        },
                        false)
                .onComplete(ar -> {
                    reconnecting.set(false);
                    if (ar.failed()) {
                        LOG.log(
                                System.Logger.Level.WARNING,
                                "connecting a new librados client after fencing failed (the next refused call"
                                        + " tries again): " + ar.cause().getMessage());
                    }
                });
    }

    /** A blocking librados call. */
    interface RadosCall<T> {
        T run() throws RadosException;
    }

    /** The volume, from memory or else from its header object (created by another gateway, or before a restart). */
    Future<CephVolume> volume(UUID volumeId) {
        if (volumeId == null) {
            return Future.failedFuture(new BlockStoreException(INVALID_ARGUMENT, "no volume id"));
        }
        CephVolume known = volumes.get(volumeId);
        if (known != null) {
            return known.deleted()
                    ? Future.failedFuture(BlockStoreException.unknownVolume(volumeId))
                    : Future.succeededFuture(known);
        }
        // One lookup per volume at a time: calls waiting on it go on in the order they were made (a flush after its
        // writes).
        return lookups.computeIfAbsent(
                volumeId,
                id -> blocking(() -> loadHeader(id))
                        .<CephVolume>compose(found -> {
                            CephVolume v = found.map(loaded -> volumes.computeIfAbsent(id, x -> loaded))
                                    .orElseThrow(() -> BlockStoreException.unknownVolume(id));
                            if (v.deleted()) {
                                throw BlockStoreException.unknownVolume(id);
                            }
                            return Future.succeededFuture(v);
                        })
                        .onComplete(ar -> lookups.remove(id)));
    }

    private Optional<CephVolume> loadHeader(UUID volumeId) throws RadosException {
        byte[] header = new byte[HEADER_MAX_BYTES];
        int n = rados.read(CephVolume.headerName(volumeId), header, 0);
        if (n == 0) {
            return Optional.empty();
        }
        return Optional.of(CephVolume.fromHeader(volumeId, Arrays.copyOf(header, n)));
    }

    private interface Issue {
        Future<Void> start();
    }

    /** Counts a write or trim as pending (QUEUE_FULL past the bound) and tracks it for the volume's flushes. */
    private Future<Void> pendingWrite(CephVolume v, Issue issue) {
        if (pendingWrites.incrementAndGet() > options.getMaxPendingWrites()) {
            pendingWrites.decrementAndGet();
            throw new BlockStoreException(
                    QUEUE_FULL, "write queue full (" + options.getMaxPendingWrites() + " pending): retry later");
        }
        Future<Void> op;
        try {
            op = issue.start();
        } catch (RuntimeException e) {
            pendingWrites.decrementAndGet();
            throw e;
        }
        return v.track(op).onComplete(ar -> pendingWrites.decrementAndGet());
    }

    private static void checkRun(CephVolume v, long firstBlock, long count) {
        if (count <= 0) {
            throw new BlockStoreException(BAD_LENGTH, "block count " + count + " must be positive");
        }
        if (firstBlock < 0 || firstBlock >= v.blockCount() || count > v.blockCount() - firstBlock) {
            throw new BlockStoreException(
                    OUT_OF_RANGE,
                    "blocks " + firstBlock + "+" + count + " outside volume " + v.id() + " of " + v.blockCount());
        }
    }

    /**
     * The part of a run in one data object: {@code slots} slots from slot {@code firstSlotOfRequest} of the run, at
     * slot {@code firstSlotInObject} of object {@code object}.
     */
    private record Piece(long object, long firstSlotInObject, long firstSlotOfRequest, long slots) {}

    private static List<Piece> pieces(CephVolume v, long firstBlock, long count) {
        int perObject = v.slotsPerObject();
        List<Piece> pieces = new ArrayList<>();
        long end = firstBlock + count;
        for (long o = firstBlock / perObject; o <= (end - 1) / perObject; o++) {
            long start = Math.max(firstBlock, o * perObject);
            long stop = Math.min(end, (o + 1) * perObject);
            pieces.add(new Piece(o, start - o * perObject, start - firstBlock, stop - start));
        }
        return pieces;
    }

    /** {@code f}'s outcome, delivered on {@code context}. */
    static <T> Future<T> onContext(Context context, Future<T> f) {
        Promise<T> promise = Promise.promise();
        f.onComplete(ar -> {
            if (Vertx.currentContext() == context) {
                promise.handle(ar);
            } else {
                context.runOnContext(x -> promise.handle(ar));
            }
        });
        return promise.future();
    }
}
