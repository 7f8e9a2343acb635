package io.strongroom.store.local;

import static io.strongroom.core.store.BlockStoreException.Reason.BAD_LENGTH;
import static io.strongroom.core.store.BlockStoreException.Reason.INVALID_ARGUMENT;
import static io.strongroom.core.store.BlockStoreException.Reason.OUT_OF_RANGE;
import static io.strongroom.core.store.BlockStoreException.Reason.QUEUE_FULL;
import static io.strongroom.core.store.BlockStoreException.Reason.TOO_LARGE;
import static io.strongroom.core.store.BlockStoreException.Reason.VOLUME_EXISTS;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.BlockStoreStats;
import io.strongroom.core.store.Durability;
import io.strongroom.core.store.MetadataStore;
import io.strongroom.core.store.StoreSnapshot;
import io.strongroom.core.store.VolumeFault;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local-file {@link BlockStore}: one directory per volume under the data directory ({@link LocalVolume}), slots
 * written with positioned I/O, made atomic per slot by a double-write journal ({@link Journal}) and acknowledged
 * by group commit ({@link GroupCommitter}). All file I/O runs on the store's own bounded pools of threads, never
 * on an event loop: one for commits (which wait on fdatasync) and metadata, one for reads, so that reads never
 * queue behind a sync. Futures complete on the caller's context. Arguments are checked on the caller's thread,
 * so a bad request costs no thread hop and changes nothing. Hot reads that need no file I/O at all are the slot
 * cache's, which the composition puts in front ({@link io.strongroom.core.store.cache.CachingBlockStore}).
 */
public final class LocalFileBlockStore implements BlockStore {

    private static final System.Logger LOG = System.getLogger(LocalFileBlockStore.class.getName());
    /** Slots larger than this are surely a configuration mistake (blocks go up to 32 KiB plus sealing overhead). */
    static final int MAX_SLOT_SIZE = 1024 * 1024;

    private final Vertx vertx;
    private final LocalFileBlockStoreOptions options;
    private final ExecutorService io;
    private final ExecutorService reads;
    private final CommitSettings settings;
    private final Map<UUID, LocalVolume> volumes = new ConcurrentHashMap<>();
    /** Volumes whose directory is there but which could not be opened, with why: not served, but shown and deletable. */
    private final Map<UUID, Unopened> unopened = new ConcurrentHashMap<>();

    private final AtomicInteger pendingReads = new AtomicInteger();
    private final Object createLock = new Object();
    private final LocalFileMetadataStore metadata;
    private volatile boolean closed;
    private Future<Void> closing;

    private LocalFileBlockStore(Vertx vertx, LocalFileBlockStoreOptions options) {
        this.vertx = vertx;
        this.options = options;
        this.io = newExecutor("strongroom-store-io-", options.getIoThreads());
        this.reads = newExecutor("strongroom-store-read-", options.getReadThreads());
        this.settings = new CommitSettings(
                io,
                options.getDurability(),
                options.getMaxBatchBytes(),
                options.getCheckpointBytes(),
                new StoreMetrics(),
                new AtomicInteger(),
                options.getNoSpaceRetry().toNanos());
        this.metadata = new LocalFileMetadataStore(this);
    }

    /**
     * Opens (creating if needed) the store under {@code options.getDataDir()}, finishing interrupted volume
     * creations and deletions and recovering every volume from its journal before the future completes.
     */
    public static Future<LocalFileBlockStore> open(Vertx vertx, LocalFileBlockStoreOptions options) {
        LocalFileBlockStoreOptions copy = new LocalFileBlockStoreOptions(options);
        try {
            copy.validate();
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        LocalFileBlockStore store = new LocalFileBlockStore(vertx, copy);
        return store.onIoThread(store.io, () -> {
                    store.recoverAll();
                    return store;
                })
                .onFailure(e -> store.shutdownExecutors());
    }

    private static ExecutorService newExecutor(String namePrefix, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool =
                new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, namePrefix + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private void recoverAll() throws IOException {
        Path dataDir = options.getDataDir();
        Files.createDirectories(dataDir);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dataDir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(LocalVolume.CREATING_PREFIX) || name.startsWith(LocalVolume.DELETING_PREFIX)) {
                    StoreFiles.deleteTree(entry);
                } else if (Files.isDirectory(entry) && isUuid(name)) {
                    openOrSetAside(entry, UUID.fromString(name));
                }
            }
            StoreFiles.syncDirectory(dataDir);
        } catch (IOException | RuntimeException e) {
            for (LocalVolume v : volumes.values()) {
                v.closeFiles();
            }
            throw e;
        }
        LOG.log(
                System.Logger.Level.INFO,
                "block store {0}: {1} volume(s) recovered, durability {2}",
                dataDir,
                volumes.size(),
                options.getDurability().configName());
    }

    /**
     * Opens one volume. One that cannot be opened (a damaged file, an I/O error, a journal record that cannot be
     * replayed) does not keep the others from starting: it is set aside, logged once, shown by {@link #volumeFaults}
     * and refused with its failure until the cause is fixed and the store reopened.
     */
    private void openOrSetAside(Path dir, UUID id) {
        try {
            LocalVolume v = LocalVolume.open(dir, settings);
            volumes.put(v.id(), v);
        } catch (IOException | RuntimeException e) {
            BlockStoreException failure = e instanceof BlockStoreException known
                    ? known
                    : new BlockStoreException(
                            BlockStoreException.Reason.IO_ERROR,
                            "volume " + id + " could not be opened: " + e.getMessage(),
                            e);
            unopened.put(
                    id,
                    new Unopened(
                            failure,
                            new VolumeFault(id, VolumeFault.State.STOPPED, failure.getMessage(), Instant.now())));
            LOG.log(
                    System.Logger.Level.ERROR,
                    "volume {0} could not be opened and is not served ({1}); the other volumes are. Fix the cause"
                            + " (file system, files in {2}) and restart, or delete the volume",
                    id,
                    e.toString(),
                    dir);
        }
    }

    /** A volume set aside at open: the failure its calls get, and the fault shown. */
    private record Unopened(BlockStoreException failure, VolumeFault fault) {}

    private static boolean isUuid(String name) {
        try {
            return UUID.fromString(name).toString().equals(name);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The sibling metadata store, keeping each volume's document in the volume's directory. */
    MetadataStore metadata() {
        return metadata;
    }

    /** Volumes present in the store (including any whose metadata was never written). */
    public List<UUID> volumes() {
        List<UUID> all = new ArrayList<>(volumes.keySet());
        all.addAll(unopened.keySet());
        return all;
    }

    public Durability durability() {
        return options.getDurability();
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
        return onIoThread(io, () -> {
            synchronized (createLock) {
                if (volumes.containsKey(volumeId) || Files.exists(volumeDir(volumeId))) {
                    throw new BlockStoreException(VOLUME_EXISTS, "volume " + volumeId + " exists");
                }
                LocalVolume v = LocalVolume.create(
                        options.getDataDir(),
                        new VolumeHeaderDescriptor.Geometry(volumeId, slotSize, blockCount),
                        settings);
                volumes.put(volumeId, v);
                return null;
            }
        });
    }

    @Override
    public Future<Void> deleteVolume(UUID volumeId) {
        if (closed) {
            return Future.failedFuture(BlockStoreException.closed());
        }
        if (volumeId != null && unopened.remove(volumeId) != null) {
            return onIoThread(io, () -> {
                LocalVolume.deleteDirectory(volumeDir(volumeId));
                return null;
            });
        }
        LocalVolume v = volumeId == null ? null : volumes.remove(volumeId);
        if (v == null) {
            return Future.failedFuture(BlockStoreException.unknownVolume(volumeId));
        }
        return enqueue(v, new StoreOp(StoreOp.Kind.DELETE, 0, 0, null, false, vertx.getOrCreateContext()));
    }

    @Override
    public Future<Buffer> read(UUID volumeId, long firstBlock, int count) {
        return readOnPool(volumeId, firstBlock, count, v -> v.read(firstBlock, count));
    }

    /** Checks a read, bounds the reads pending, and runs it on the read pool. */
    private Future<Buffer> readOnPool(UUID volumeId, long firstBlock, int count, SlotReader reader) {
        LocalVolume v;
        try {
            v = volume(volumeId);
            checkRun(v, firstBlock, count);
            if ((long) count * v.slotSize() > options.getMaxRequestBytes()) {
                throw new BlockStoreException(
                        TOO_LARGE, "read of " + count + " blocks exceeds " + options.getMaxRequestBytes() + " bytes");
            }
        } catch (BlockStoreException e) {
            return Future.failedFuture(e);
        }
        if (pendingReads.incrementAndGet() > options.getMaxPendingReads()) {
            pendingReads.decrementAndGet();
            return Future.failedFuture(new BlockStoreException(
                    QUEUE_FULL, "read queue full (" + options.getMaxPendingReads() + " pending): retry later"));
        }
        return onIoThread(reads, () -> {
            try {
                Buffer slots = reader.read(v);
                settings.metrics().read(slots.length());
                return slots;
            } finally {
                pendingReads.decrementAndGet();
            }
        });
    }

    /** A read of slots from a volume's files, on the read pool. */
    private interface SlotReader {
        Buffer read(LocalVolume v) throws IOException;
    }

    @Override
    public Future<Void> write(UUID volumeId, long firstBlock, Buffer slots) {
        return write(volumeId, firstBlock, slots, false);
    }

    /**
     * A FUA write goes through group commit like any other; in NONE durability its batch's journal records are
     * synced before the batch is acknowledged (one journal fdatasync, shared with the batch's other FUA writes,
     * instead of the flush's journal and data-file syncs), and the checkpoint that ends the journal round makes the
     * data file durable first. In FSYNC durability every write is already acknowledged that way.
     */
    @Override
    public Future<Void> write(UUID volumeId, long firstBlock, Buffer slots, boolean fua) {
        LocalVolume v;
        long count;
        try {
            v = volume(volumeId);
            if (slots == null) {
                throw new BlockStoreException(INVALID_ARGUMENT, "no slots to write");
            }
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
            count = slots.length() / v.slotSize();
            checkRun(v, firstBlock, count);
        } catch (BlockStoreException e) {
            return Future.failedFuture(e);
        }
        return enqueueCounted(
                v, new StoreOp(StoreOp.Kind.WRITE, firstBlock, count, slots, fua, vertx.getOrCreateContext()));
    }

    @Override
    public Future<Void> trim(UUID volumeId, long firstBlock, long count) {
        LocalVolume v;
        try {
            v = volume(volumeId);
            checkRun(v, firstBlock, count);
        } catch (BlockStoreException e) {
            return Future.failedFuture(e);
        }
        return enqueueCounted(
                v, new StoreOp(StoreOp.Kind.TRIM, firstBlock, count, null, false, vertx.getOrCreateContext()));
    }

    /**
     * Queued behind the volume's writes and trims: taken between two batches, after a checkpoint, so it holds every
     * write acknowledged before the call. Copy before write keeps it: docs/SNAPSHOTS.md.
     */
    @Override
    public Future<Void> createSnapshot(UUID volumeId, StoreSnapshot snapshot) {
        LocalVolume v;
        try {
            v = volume(volumeId);
            if (snapshot == null) {
                throw new BlockStoreException(INVALID_ARGUMENT, "no snapshot to take");
            }
        } catch (BlockStoreException e) {
            return Future.failedFuture(e);
        }
        return enqueue(v, StoreOp.takeSnapshot(snapshot, vertx.getOrCreateContext()));
    }

    @Override
    public Future<List<StoreSnapshot>> snapshots(UUID volumeId) {
        try {
            return Future.succeededFuture(volume(volumeId).snapshotInfos());
        } catch (BlockStoreException e) {
            return Future.failedFuture(e);
        }
    }

    @Override
    public Future<Buffer> readSnapshot(UUID volumeId, UUID snapshotId, long firstBlock, int count) {
        return readOnPool(volumeId, firstBlock, count, v -> v.readSnapshot(snapshotId, firstBlock, count));
    }

    @Override
    public Future<long[]> preservedBlocks(UUID volumeId, UUID snapshotId, long from, int max) {
        LocalVolume v;
        try {
            v = volume(volumeId);
            if (from < 0 || max < 1) {
                throw new BlockStoreException(INVALID_ARGUMENT, "from must be >= 0 and max >= 1");
            }
        } catch (BlockStoreException e) {
            return Future.failedFuture(e);
        }
        return onIoThread(reads, () -> v.preservedBlocks(snapshotId, from, max));
    }

    @Override
    public Future<Void> deleteSnapshot(UUID volumeId, UUID snapshotId) {
        LocalVolume v;
        try {
            v = volume(volumeId);
        } catch (BlockStoreException e) {
            return Future.failedFuture(e);
        }
        return enqueue(v, StoreOp.deleteSnapshot(snapshotId, vertx.getOrCreateContext()));
    }

    @Override
    public Future<Void> flush(UUID volumeId) {
        LocalVolume v;
        try {
            v = volume(volumeId);
        } catch (BlockStoreException e) {
            return Future.failedFuture(e);
        }
        settings.pendingWrites().incrementAndGet();
        return enqueue(v, new StoreOp(StoreOp.Kind.FLUSH, 0, 0, null, false, vertx.getOrCreateContext()));
    }

    @Override
    public synchronized Future<Void> close() {
        if (closing == null) {
            closed = true;
            List<Future<Void>> volumesClosed = new ArrayList<>();
            for (LocalVolume v : volumes.values()) {
                volumesClosed.add(
                        enqueue(v, new StoreOp(StoreOp.Kind.CLOSE, 0, 0, null, false, vertx.getOrCreateContext())));
            }
            closing = Future.join(volumesClosed).transform(ar -> {
                shutdownExecutors();
                return ar.succeeded() ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(ar.cause());
            });
        }
        return closing;
    }

    private void shutdownExecutors() {
        io.shutdown();
        reads.shutdown();
    }

    @Override
    public int pendingWrites() {
        return settings.pendingWrites().get();
    }

    @Override
    public int maxPendingWrites() {
        return options.getMaxPendingWrites();
    }

    /** Reads queued or running now. */
    public int pendingReads() {
        return pendingReads.get();
    }

    @Override
    public int maxRequestBytes() {
        return options.getMaxRequestBytes();
    }

    /** Volumes in the NO_SPACE state, stopped by an I/O error, or set aside at open. */
    @Override
    public List<VolumeFault> volumeFaults() {
        List<VolumeFault> faults = new ArrayList<>();
        for (LocalVolume v : volumes.values()) {
            VolumeFault f = v.committer().fault();
            if (f != null) {
                faults.add(f);
            }
        }
        unopened.values().forEach(u -> faults.add(u.fault()));
        return faults;
    }

    /** The generic counters, and the journal, sync, group-commit, recovery and snapshot counters as details. */
    @Override
    public BlockStoreStats stats() {
        int snapshots = 0;
        for (LocalVolume v : volumes.values()) {
            snapshots += v.snapshotInfos().size();
        }
        return settings.metrics().snapshot(pendingWrites(), snapshots);
    }

    private Future<Void> enqueueCounted(LocalVolume v, StoreOp op) {
        if (settings.pendingWrites().incrementAndGet() > options.getMaxPendingWrites()) {
            settings.pendingWrites().decrementAndGet();
            return Future.failedFuture(new BlockStoreException(
                    QUEUE_FULL, "write queue full (" + options.getMaxPendingWrites() + " pending): retry later"));
        }
        return enqueue(v, op);
    }

    private Future<Void> enqueue(LocalVolume v, StoreOp op) {
        v.committer().submit(op);
        return op.promise.future();
    }

    LocalVolume volume(UUID volumeId) {
        if (closed) {
            throw BlockStoreException.closed();
        }
        LocalVolume v = volumeId == null ? null : volumes.get(volumeId);
        if (v == null) {
            Unopened set = volumeId == null ? null : unopened.get(volumeId);
            throw set != null ? set.failure() : BlockStoreException.unknownVolume(volumeId);
        }
        return v;
    }

    Path volumeDir(UUID volumeId) {
        return options.getDataDir().resolve(volumeId.toString());
    }

    private static void checkRun(LocalVolume v, long firstBlock, long count) {
        if (count <= 0) {
            throw new BlockStoreException(BAD_LENGTH, "block count must be positive, not " + count);
        }
        if (firstBlock < 0 || count > v.blockCount() - firstBlock) {
            throw new BlockStoreException(
                    OUT_OF_RANGE,
                    "blocks " + firstBlock + "+" + count + " outside volume " + v.id() + " of " + v.blockCount()
                            + " blocks");
        }
    }

    /** Runs blocking work (creation, metadata) on a commit-pool thread; the future completes on the caller's context. */
    <T> Future<T> onIoThread(Callable<T> work) {
        return onIoThread(io, work);
    }

    private <T> Future<T> onIoThread(ExecutorService executor, Callable<T> work) {
        Context context = vertx.getOrCreateContext();
        Promise<T> promise = Promise.promise();
        try {
            executor.execute(() -> {
                try {
                    T result = work.call();
                    context.runOnContext(v -> promise.complete(result));
                } catch (BlockStoreException e) {
                    context.runOnContext(v -> promise.fail(e));
                } catch (Exception e) {
                    // A full file system is the operator's to fix and then passes (507), unlike other I/O errors.
                    BlockStoreException failure = new BlockStoreException(
                            GroupCommitter.noSpace(e)
                                    ? BlockStoreException.Reason.NO_SPACE
                                    : BlockStoreException.Reason.IO_ERROR,
                            "storage I/O failed: " + e,
                            e);
                    context.runOnContext(v -> promise.fail(failure));
                }
            });
        } catch (RejectedExecutionException e) {
            return Future.failedFuture(BlockStoreException.closed());
        }
        return promise.future();
    }
}
