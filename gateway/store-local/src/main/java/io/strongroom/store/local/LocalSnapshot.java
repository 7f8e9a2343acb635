package io.strongroom.store.local;

import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.StoreSnapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One snapshot of a volume, in {@code <volume>/snapshots/<snapshot-uuid>/}: {@code snapshot.hdr}
 * ({@link SnapshotHeaderDescriptor}), {@code slots.dat} (the preserved slot images, slot {@code n} at byte
 * {@code n * slotSize}, sparse) and {@code present.map} (bit {@code n % 8} of byte {@code n / 8} is set once slot
 * {@code n} is preserved; sparse). A slot whose bit is clear has not changed in the volume since the snapshot was
 * taken and is read from the volume's own {@code slots.dat}.
 *
 * <p>Copy before write: the committer calls {@link #preserve} with a batch before anything of it is journalled;
 * every slot the batch changes whose bit is clear is copied as it is (sealed, never decrypted) into this snapshot's
 * {@code slots.dat}, that file is fdatasynced, then the bits are written and {@code present.map} fdatasynced. Only
 * then is the batch journalled and applied, so a bit on disk always has its image on disk, and a slot of the volume
 * is never changed (in place or by replay) before its snapshot image is durable. The in-memory bits change under
 * the volume's exclusive slot lock, which readers hold shared: a reader sees a slot either in the volume, not yet
 * changed, or here. Only the volume's committer changes a snapshot (one commit task per volume at a time).
 */
final class LocalSnapshot {

    static final String DIR = "snapshots";
    static final String HEADER_FILE = "snapshot.hdr";
    static final String MAP_FILE = "present.map";
    private static final int COPY_CHUNK_BYTES = 1024 * 1024;

    private final StoreSnapshot info;
    private final Path dir;
    private final int slotSize;
    private final FileChannel slots;
    private final FileChannel map;
    /** The preserved bits, as in {@code present.map}. */
    private final byte[] present;

    private LocalSnapshot(
            StoreSnapshot info, Path dir, int slotSize, FileChannel slots, FileChannel map, byte[] present) {
        this.info = info;
        this.dir = dir;
        this.slotSize = slotSize;
        this.slots = slots;
        this.map = map;
        this.present = present;
    }

    StoreSnapshot info() {
        return info;
    }

    private static int mapBytes(long blockCount) {
        long bytes = (blockCount + 7) / 8;
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new BlockStoreException(
                    BlockStoreException.Reason.INVALID_ARGUMENT,
                    "a volume of " + blockCount + " blocks is too large to"
                            + " snapshot on the local store (at most 2^34 blocks)");
        }
        return (int) bytes;
    }

    /**
     * Creates the snapshot's files in a temporary directory, makes them durable, then renames the directory into
     * place: a crash leaves the snapshot whole or absent.
     */
    static LocalSnapshot create(Path volumeDir, StoreSnapshot info, int slotSize, long blockCount) throws IOException {
        byte[] present = new byte[mapBytes(blockCount)];
        Path parent = volumeDir.resolve(DIR);
        if (!Files.isDirectory(parent)) {
            Files.createDirectories(parent);
            StoreFiles.syncDirectory(volumeDir);
        }
        Path tmp = parent.resolve(LocalVolume.CREATING_PREFIX + info.id());
        StoreFiles.deleteTree(tmp);
        Files.createDirectory(tmp);
        try {
            StoreFiles.writeNewFileDurably(tmp.resolve(HEADER_FILE), SnapshotHeaderDescriptor.encode(info));
            StoreFiles.writeNewFileDurably(tmp.resolve(LocalVolume.DATA_FILE), ByteBuffer.allocate(0));
            StoreFiles.writeNewFileDurably(tmp.resolve(MAP_FILE), ByteBuffer.allocate(0));
            StoreFiles.syncDirectory(tmp);
            Path dir = parent.resolve(info.id().toString());
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            StoreFiles.syncDirectory(parent);
            return openFiles(info, dir, slotSize, present);
        } catch (IOException | RuntimeException e) {
            StoreFiles.deleteTree(tmp);
            throw e;
        }
    }

    /** Opens the snapshots of a volume, removing snapshots whose creation or deletion a crash interrupted. */
    static java.util.List<LocalSnapshot> openAll(Path volumeDir, int slotSize, long blockCount) throws IOException {
        Path parent = volumeDir.resolve(DIR);
        java.util.List<LocalSnapshot> all = new java.util.ArrayList<>();
        if (!Files.isDirectory(parent)) {
            return all;
        }
        try (var entries = Files.newDirectoryStream(parent)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(LocalVolume.CREATING_PREFIX) || name.startsWith(LocalVolume.DELETING_PREFIX)) {
                    StoreFiles.deleteTree(entry);
                } else {
                    all.add(open(entry, slotSize, blockCount));
                }
            }
        } catch (IOException | RuntimeException e) {
            for (LocalSnapshot s : all) {
                s.close();
            }
            throw e;
        }
        StoreFiles.syncDirectory(parent);
        all.sort(java.util.Comparator.comparing((LocalSnapshot s) -> s.info.created())
                .thenComparing(s -> s.info.id()));
        return all;
    }

    private static LocalSnapshot open(Path dir, int slotSize, long blockCount) throws IOException {
        StoreSnapshot info = SnapshotHeaderDescriptor.decode(
                ByteBuffer.wrap(Files.readAllBytes(dir.resolve(HEADER_FILE))), dir.toString());
        if (!info.id().toString().equals(dir.getFileName().toString())) {
            throw new BlockStoreException(
                    BlockStoreException.Reason.CORRUPT, dir + ": header names snapshot " + info.id());
        }
        byte[] present = new byte[mapBytes(blockCount)];
        try (FileChannel ch = FileChannel.open(dir.resolve(MAP_FILE), StandardOpenOption.READ)) {
            StoreFiles.readFully(ch, ByteBuffer.wrap(present), 0);
        }
        return openFiles(info, dir, slotSize, present);
    }

    private static LocalSnapshot openFiles(StoreSnapshot info, Path dir, int slotSize, byte[] present)
            throws IOException {
        FileChannel slots =
                FileChannel.open(dir.resolve(LocalVolume.DATA_FILE), StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            FileChannel map =
                    FileChannel.open(dir.resolve(MAP_FILE), StandardOpenOption.READ, StandardOpenOption.WRITE);
            return new LocalSnapshot(info, dir, slotSize, slots, map, present);
        } catch (IOException | RuntimeException e) {
            slots.close();
            throw e;
        }
    }

    /** Whether slot {@code n} is preserved here (the caller holds the volume's slot lock, shared or exclusive). */
    boolean preserved(long n) {
        return (present[(int) (n >>> 3)] & (1 << (n & 7))) != 0;
    }

    /**
     * Copies the current image of every slot in {@code [first, first + count)} not preserved yet from the volume's
     * data file, in runs; returns the bytes copied. The in-memory bits are set under {@code volume}'s exclusive slot
     * lock; {@link #persist} makes the copies and then the bits durable.
     */
    long copyBeforeWrite(LocalVolume volume, long first, long count, Dirty dirty) throws IOException {
        long copied = 0;
        long end = first + count;
        long n = first;
        while (n < end) {
            if (preserved(n)) {
                n++;
                continue;
            }
            long runEnd = n;
            long limit = Math.min(end, n + Math.max(1, COPY_CHUNK_BYTES / slotSize));
            while (runEnd < limit && !preserved(runEnd)) {
                runEnd++;
            }
            int bytes = (int) ((runEnd - n) * slotSize);
            if (n * slotSize < volume.dataLength()) {
                ByteBuffer images = ByteBuffer.allocate(bytes);
                StoreFiles.readFully(volume.dataChannel(), images, n * slotSize);
                StoreFiles.writeFully(slots, images.flip(), n * slotSize);
                copied += bytes;
                dirty.slots = true;
            }
            // Past the volume's data file the slots read as zeros, as the snapshot's sparse file does: only the bits.
            volume.markPreserved(this, n, runEnd);
            dirty.mark(n >>> 3, (runEnd - 1) >>> 3);
            n = runEnd;
        }
        return copied;
    }

    /** Sets the bits of {@code [from, to)}; the caller holds the volume's exclusive slot lock. */
    void setPreserved(long from, long to) {
        for (long n = from; n < to; n++) {
            present[(int) (n >>> 3)] |= (byte) (1 << (n & 7));
        }
    }

    /** Makes the copies of a batch durable, then the bits that point to them. */
    void persist(Dirty dirty) throws IOException {
        if (dirty.slots) {
            slots.force(false);
        }
        if (dirty.firstByte <= dirty.lastByte) {
            int from = (int) dirty.firstByte;
            int length = (int) (dirty.lastByte - dirty.firstByte + 1);
            StoreFiles.writeFully(map, ByteBuffer.wrap(present, from, length), from);
            map.force(false);
        }
    }

    /** Reads the preserved images of slots {@code [first, first + count)} into {@code into} (at their offsets). */
    void readPreserved(long first, int count, ByteBuffer into, long firstOfBuffer) throws IOException {
        ByteBuffer dst = into.duplicate()
                .limit((int) ((first - firstOfBuffer + count) * slotSize))
                .position((int) ((first - firstOfBuffer) * slotSize));
        StoreFiles.readFully(slots, dst, first * slotSize);
    }

    void close() throws IOException {
        try {
            slots.close();
        } finally {
            map.close();
        }
    }

    /** Closes the files and removes the directory: renamed first, so a crash never leaves half a snapshot. */
    void delete() throws IOException {
        close();
        Path doomed = dir.resolveSibling(LocalVolume.DELETING_PREFIX + dir.getFileName());
        StoreFiles.deleteTree(doomed);
        Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
        StoreFiles.syncDirectory(dir.getParent());
        StoreFiles.deleteTree(doomed);
    }

    /** What a batch's copies changed in one snapshot: whether its data file, and which bytes of its map. */
    static final class Dirty {
        boolean slots;
        long firstByte = Long.MAX_VALUE;
        long lastByte = -1;

        void mark(long from, long to) {
            firstByte = Math.min(firstByte, from);
            lastByte = Math.max(lastByte, to);
        }
    }
}
