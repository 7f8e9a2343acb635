package io.strongroom.store.local;

import io.netty.buffer.Unpooled;
import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.StoreSnapshot;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The files of one volume, in {@code <dataDir>/<volume-uuid>/}: {@code volume.hdr} (geometry,
 * {@link VolumeHeaderDescriptor}), {@code slots.dat} (slot {@code n} at byte {@code n * slotSize}, sparse),
 * {@code journal.wal} ({@link Journal}) and {@code metadata.json} ({@link LocalFileMetadataStore}).
 *
 * <p>The slot lock keeps readers from seeing a slot half-written in the page cache: in-place writes of a batch
 * hold it exclusively (microseconds: page-cache copies), reads hold it shared. The fdatasync of a batch happens
 * outside it, so reads never wait for the disk.
 */
final class LocalVolume {

    private static final System.Logger LOG = System.getLogger(LocalVolume.class.getName());
    static final String HEADER_FILE = "volume.hdr";
    static final String DATA_FILE = "slots.dat";
    static final String CREATING_PREFIX = ".creating-";
    static final String DELETING_PREFIX = ".deleting-";
    private static final long TRIM_CHUNK_BYTES = 1024 * 1024;

    private final VolumeHeaderDescriptor.Geometry geometry;
    private final Path dir;
    private final FileChannel data;
    private final Journal journal;
    private final ReentrantReadWriteLock slotLock = new ReentrantReadWriteLock();
    private final GroupCommitter committer;
    /** Serialises metadata replacement with deletion of the directory. */
    final Object metadataLock = new Object();

    private boolean closed;
    private boolean deleted;
    /**
     * The length of {@code slots.dat} after the writes applied so far, kept here so neither a write nor a trim needs a
     * syscall to know it; only the committer changes it.
     */
    private long dataLength;
    /** The volume's snapshots, oldest first; replaced whole under the exclusive slot lock. */
    private volatile List<LocalSnapshot> snapshots = List.of();

    private LocalVolume(
            VolumeHeaderDescriptor.Geometry geometry,
            Path dir,
            FileChannel data,
            Journal journal,
            CommitSettings settings)
            throws IOException {
        this.geometry = geometry;
        this.dir = dir;
        this.data = data;
        this.journal = journal;
        this.dataLength = data.size();
        this.committer = new GroupCommitter(this, settings);
    }

    /** Creates the files in a temporary directory, makes them durable, then renames the directory into place. */
    static LocalVolume create(Path dataDir, VolumeHeaderDescriptor.Geometry geometry, CommitSettings settings)
            throws IOException {
        Path tmp = dataDir.resolve(CREATING_PREFIX + geometry.volumeId());
        StoreFiles.deleteTree(tmp);
        Files.createDirectory(tmp);
        StoreFiles.writeNewFileDurably(tmp.resolve(HEADER_FILE), VolumeHeaderDescriptor.encode(geometry));
        try {
            probeCapacity(tmp.resolve(DATA_FILE), geometry);
        } catch (IOException | RuntimeException e) {
            StoreFiles.deleteTree(tmp);
            throw e;
        }
        FileChannel data = FileChannel.open(
                tmp.resolve(DATA_FILE),
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        Journal journal = null;
        try {
            data.force(true);
            journal = Journal.create(tmp.resolve(Journal.FILE_NAME), geometry.slotSize());
            StoreFiles.syncDirectory(tmp);
            Path dir = dataDir.resolve(geometry.volumeId().toString());
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            StoreFiles.syncDirectory(dataDir);
            return new LocalVolume(geometry, dir, data, journal, settings);
        } catch (IOException | RuntimeException e) {
            data.close();
            if (journal != null) {
                journal.close();
            }
            StoreFiles.deleteTree(tmp);
            throw e;
        }
    }

    /**
     * Makes sure the file system can hold the whole data file, so that a volume too large for it is refused when it
     * is created, not at its first far write: sets the new, empty file's length to the full size (sparse: no block
     * is allocated, so this costs no space and works on a full disk), then back to zero. A file system whose largest
     * file is smaller (ext4 with 4 KiB blocks: 16 TiB) refuses the first with EFBIG.
     */
    private static void probeCapacity(Path file, VolumeHeaderDescriptor.Geometry geometry) throws IOException {
        long bytes = geometry.blockCount() * geometry.slotSize();
        try (RandomAccessFile probe = new RandomAccessFile(file.toFile(), "rw")) {
            try {
                probe.setLength(bytes);
            } catch (IOException e) {
                if (!fileTooLarge(e)) {
                    throw e;
                }
                throw new BlockStoreException(
                        BlockStoreException.Reason.INVALID_ARGUMENT,
                        "volume " + geometry.volumeId() + " needs " + bytes
                                + " bytes of slots, more than the file system of the data directory holds in one"
                                + " file; use a smaller volume or a file system with a larger file size limit",
                        e);
            }
            probe.setLength(0);
        }
        Files.delete(file);
    }

    /** The file system's EFBIG: the JDK gives errno only as the message (strerror). */
    static boolean fileTooLarge(Throwable e) {
        return e instanceof IOException
                && e.getMessage() != null
                && e.getMessage().contains("File too large");
    }

    /** Opens an existing volume and recovers it: replays its journal into the data file (see {@link JournalReplay}). */
    static LocalVolume open(Path dir, CommitSettings settings) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(VolumeHeaderDescriptor.LENGTH);
        try (FileChannel ch = FileChannel.open(dir.resolve(HEADER_FILE), StandardOpenOption.READ)) {
            StoreFiles.readFully(ch, header, 0);
        }
        VolumeHeaderDescriptor.Geometry geometry = VolumeHeaderDescriptor.decode(header.flip(), dir.toString());
        if (!geometry.volumeId().toString().equals(dir.getFileName().toString())) {
            throw new BlockStoreException(
                    BlockStoreException.Reason.CORRUPT, dir + ": header names volume " + geometry.volumeId());
        }
        FileChannel data = FileChannel.open(dir.resolve(DATA_FILE), StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel journalChannel = null;
        try {
            journalChannel =
                    FileChannel.open(dir.resolve(Journal.FILE_NAME), StandardOpenOption.READ, StandardOpenOption.WRITE);
            JournalReplay.Result replayed = JournalReplay.replay(
                    journalChannel, data, geometry.slotSize(), geometry.blockCount(), dir.toString());
            settings.metrics().recoveredRecords.add(replayed.recordsApplied());
            if (replayed.recordsApplied() > 0) {
                LOG.log(
                        System.Logger.Level.INFO,
                        "volume {0}: replayed {1} journal record(s), {2} bytes",
                        geometry.volumeId(),
                        replayed.recordsApplied(),
                        replayed.bytesApplied());
            }
            Journal journal = Journal.resumeAfterReplay(journalChannel, geometry.slotSize(), replayed);
            LocalVolume volume = new LocalVolume(geometry, dir, data, journal, settings);
            volume.snapshots = List.copyOf(LocalSnapshot.openAll(dir, geometry.slotSize(), geometry.blockCount()));
            return volume;
        } catch (IOException | RuntimeException e) {
            data.close();
            if (journalChannel != null) {
                journalChannel.close();
            }
            throw e;
        }
    }

    UUID id() {
        return geometry.volumeId();
    }

    int slotSize() {
        return geometry.slotSize();
    }

    long blockCount() {
        return geometry.blockCount();
    }

    Path dir() {
        return dir;
    }

    Journal journal() {
        return journal;
    }

    GroupCommitter committer() {
        return committer;
    }

    /** Reads whole slots under the shared slot lock; bytes past the end of the sparse file are zeros. */
    Buffer read(long firstBlock, int count) throws IOException {
        byte[] bytes = new byte[count * geometry.slotSize()];
        slotLock.readLock().lock();
        try {
            if (closed) {
                throw BlockStoreException.unknownVolume(id());
            }
            StoreFiles.readFully(data, ByteBuffer.wrap(bytes), firstBlock * geometry.slotSize());
        } finally {
            slotLock.readLock().unlock();
        }
        return BufferInternal.buffer(Unpooled.wrappedBuffer(bytes));
    }

    /**
     * Writes the batch's slot images and trims in place, in sequence order. Each write holds the exclusive slot lock
     * while its images are copied; a trim takes it per chunk of whole slots, so zeroing a large range never stalls
     * readers for long, while each slot still changes in one piece.
     */
    void applyInPlace(List<StoreOp> batch, ByteBuffer records) throws IOException {
        int at = 0;
        for (StoreOp op : batch) {
            long offset = op.firstBlock * geometry.slotSize();
            if (op.kind == StoreOp.Kind.WRITE) {
                int start = at + JournalRecordDescriptor.HEADER_LENGTH;
                ByteBuffer images =
                        records.duplicate().limit(start + op.payload.length()).position(start);
                slotLock.writeLock().lock();
                try {
                    StoreFiles.writeFully(data, images, offset);
                } finally {
                    slotLock.writeLock().unlock();
                }
                dataLength = Math.max(dataLength, offset + op.payload.length());
            } else if (op.kind == StoreOp.Kind.TRIM) {
                zeroInPlace(offset, op.blockCount * geometry.slotSize());
            }
            at += op.journalBytes();
        }
    }

    private void zeroInPlace(long offset, long length) throws IOException {
        // Past the data file's end it reads as zeros already.
        long end = Math.min(offset + length, dataLength);
        long chunk = Math.max(1, TRIM_CHUNK_BYTES / geometry.slotSize()) * geometry.slotSize();
        for (long at = offset; at < end; at += chunk) {
            slotLock.writeLock().lock();
            try {
                StoreFiles.zeroRange(data, at, Math.min(chunk, end - at));
            } finally {
                slotLock.writeLock().unlock();
            }
        }
    }

    long dataLength() {
        return dataLength;
    }

    FileChannel dataChannel() {
        return data;
    }

    /**
     * Copy before write (committer only, before the batch is journalled): preserves in every snapshot each slot the
     * batch changes that the snapshot has not preserved yet, durably ({@link LocalSnapshot}). Returns the bytes
     * copied. Without snapshots this is one read of a volatile field.
     */
    long preserve(List<StoreOp> batch) throws IOException {
        List<LocalSnapshot> live = snapshots;
        if (live.isEmpty()) {
            return 0;
        }
        long copied = 0;
        for (LocalSnapshot s : live) {
            LocalSnapshot.Dirty dirty = new LocalSnapshot.Dirty();
            for (StoreOp op : batch) {
                if (op.changesSlots()) {
                    copied += s.copyBeforeWrite(this, op.firstBlock, op.blockCount, dirty);
                }
            }
            s.persist(dirty);
        }
        return copied;
    }

    void markPreserved(LocalSnapshot snapshot, long from, long to) {
        slotLock.writeLock().lock();
        try {
            snapshot.setPreserved(from, to);
        } finally {
            slotLock.writeLock().unlock();
        }
    }

    /** Takes a snapshot (committer only, right after a checkpoint, so no journal record predates it). */
    void takeSnapshot(StoreSnapshot info) throws IOException {
        for (LocalSnapshot s : snapshots) {
            if (s.info().id().equals(info.id()) || s.info().name().equals(info.name())) {
                throw new BlockStoreException(
                        BlockStoreException.Reason.SNAPSHOT_EXISTS,
                        "volume " + id() + " has a snapshot named " + s.info().name() + " ("
                                + s.info().id() + ")");
            }
        }
        LocalSnapshot taken = LocalSnapshot.create(dir, info, geometry.slotSize(), geometry.blockCount());
        List<LocalSnapshot> next = new ArrayList<>(snapshots);
        next.add(taken);
        replaceSnapshots(next);
    }

    /** Deletes a snapshot (committer only, so no copy into it is under way). */
    void deleteSnapshot(UUID snapshotId) throws IOException {
        LocalSnapshot doomed = snapshot(snapshotId);
        List<LocalSnapshot> next = new ArrayList<>(snapshots);
        next.remove(doomed);
        replaceSnapshots(next);
        doomed.delete();
    }

    private void replaceSnapshots(List<LocalSnapshot> next) {
        slotLock.writeLock().lock();
        try {
            snapshots = List.copyOf(next);
        } finally {
            slotLock.writeLock().unlock();
        }
    }

    private LocalSnapshot snapshot(UUID snapshotId) {
        for (LocalSnapshot s : snapshots) {
            if (s.info().id().equals(snapshotId)) {
                return s;
            }
        }
        throw BlockStoreException.unknownSnapshot(id(), snapshotId);
    }

    /** Up to {@code max} blocks from {@code from} on whose bit is set in the snapshot, under the shared slot lock. */
    long[] preservedBlocks(UUID snapshotId, long from, int max) {
        long[] found = new long[(int) Math.min(max, Math.max(0, blockCount() - from))];
        int n = 0;
        slotLock.readLock().lock();
        try {
            if (closed) {
                throw BlockStoreException.unknownVolume(id());
            }
            LocalSnapshot s = snapshot(snapshotId);
            for (long b = from; b < blockCount() && n < found.length; b++) {
                if (s.preserved(b)) {
                    found[n++] = b;
                }
            }
        } finally {
            slotLock.readLock().unlock();
        }
        return java.util.Arrays.copyOf(found, n);
    }

    List<StoreSnapshot> snapshotInfos() {
        return snapshots.stream().map(LocalSnapshot::info).toList();
    }

    /**
     * Reads whole slots of a snapshot under the shared slot lock: the volume's slots, with those the snapshot has
     * preserved (changed in the volume since) read from the snapshot.
     */
    Buffer readSnapshot(UUID snapshotId, long firstBlock, int count) throws IOException {
        byte[] bytes = new byte[count * geometry.slotSize()];
        ByteBuffer into = ByteBuffer.wrap(bytes);
        slotLock.readLock().lock();
        try {
            if (closed) {
                throw BlockStoreException.unknownVolume(id());
            }
            LocalSnapshot s = snapshot(snapshotId);
            StoreFiles.readFully(data, into.duplicate(), firstBlock * geometry.slotSize());
            long end = firstBlock + count;
            for (long n = firstBlock; n < end; ) {
                if (!s.preserved(n)) {
                    n++;
                    continue;
                }
                long runEnd = n + 1;
                while (runEnd < end && s.preserved(runEnd)) {
                    runEnd++;
                }
                java.util.Arrays.fill(
                        bytes,
                        (int) ((n - firstBlock) * geometry.slotSize()),
                        (int) ((runEnd - firstBlock) * geometry.slotSize()),
                        (byte) 0);
                s.readPreserved(n, (int) (runEnd - n), into, firstBlock);
                n = runEnd;
            }
        } finally {
            slotLock.readLock().unlock();
        }
        return BufferInternal.buffer(Unpooled.wrappedBuffer(bytes));
    }

    void syncData() throws IOException {
        data.force(false);
    }

    /**
     * Takes back a batch whose journal append or in-place write failed, so that no record of it is ever replayed:
     * cuts {@code slots.dat} back to its length before the failed write if that write grew it (a write past the file
     * system's file size limit grows the file up to the limit, one that ran out of space part of the way), then
     * checkpoints, which makes what was applied durable and starts a new journal round after the batch's sequences,
     * so its records, in place or not, are stale. Writes of the batch applied before the failure keep their new
     * content: they were in flight, never acknowledged.
     */
    void withdrawFailedBatch() throws IOException {
        slotLock.writeLock().lock();
        try {
            if (data.size() > dataLength) {
                data.truncate(dataLength);
            }
        } finally {
            slotLock.writeLock().unlock();
        }
        data.force(false);
        journal.restart(true);
    }

    /** Closes the files; later reads fail with UNKNOWN_VOLUME. Idempotent. */
    void closeFiles() throws IOException {
        slotLock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                try {
                    journal.close();
                } finally {
                    data.close();
                    for (LocalSnapshot s : snapshots) {
                        s.close();
                    }
                }
            }
        } finally {
            slotLock.writeLock().unlock();
        }
    }

    /**
     * Removes the volume directory: first renamed (atomically) to a {@code .deleting-} name that start-up finishes
     * removing, so a crash never leaves half a volume under its real name.
     */
    void deleteFiles() throws IOException {
        synchronized (metadataLock) {
            deleted = true;
            deleteDirectory(dir);
        }
    }

    /** Removes a volume directory, renamed first, as {@link #deleteFiles} does (also for a volume never opened). */
    static void deleteDirectory(Path dir) throws IOException {
        Path doomed = dir.resolveSibling(DELETING_PREFIX + dir.getFileName());
        StoreFiles.deleteTree(doomed);
        Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
        StoreFiles.syncDirectory(dir.getParent());
        StoreFiles.deleteTree(doomed);
    }

    /** Under {@link #metadataLock}: whether the volume's directory is gone or going. */
    boolean deleted() {
        return deleted;
    }
}
