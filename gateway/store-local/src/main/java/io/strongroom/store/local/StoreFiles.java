package io.strongroom.store.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** Small file-system helpers shared by the store classes. Blocking: worker threads only. */
final class StoreFiles {

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

    private StoreFiles() {}

    /** Positioned write of all of {@code src} (FileChannel may write less than asked). */
    static void writeFully(FileChannel ch, ByteBuffer src, long position) throws IOException {
        long at = position;
        while (src.hasRemaining()) {
            at += ch.write(src, at);
        }
    }

    /**
     * Positioned read filling {@code dst}; bytes past the end of the file are left as they are, which for a
     * zeroed buffer gives the zeros a sparse or short file stands for. Returns the bytes read from the file.
     */
    static int readFully(FileChannel ch, ByteBuffer dst, long position) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
            int n = ch.read(dst, position + total);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /**
     * Writes zeros over {@code [from, from + length)}, clipped to the file's size: past the end the file already
     * reads as zeros, and not extending it keeps trims of never-written space free.
     */
    static void zeroRange(FileChannel ch, long from, long length) throws IOException {
        long end = Math.min(from + length, ch.size());
        for (long at = from; at < end; ) {
            ByteBuffer zeros = ZEROS.duplicate();
            zeros.limit((int) Math.min(zeros.capacity(), end - at));
            int n = zeros.remaining();
            writeFully(ch, zeros, at);
            at += n;
        }
    }

    /** fsync of a directory, so that entries created, renamed or removed in it survive power loss. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Writes {@code bytes} to a new file {@code file}, durable on return (file and directory entry). */
    static void writeNewFileDurably(Path file, ByteBuffer bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(ch, bytes, 0);
            ch.force(true);
        }
    }

    /** Atomic rename within one file system (replacing {@code target} if present), then fsync of the directory. */
    static void renameDurably(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.getParent());
    }

    /** Deletes a directory tree (files one level deep: the store never nests deeper). */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                if (Files.isDirectory(p)) {
                    deleteTree(p);
                } else {
                    Files.deleteIfExists(p);
                }
            }
        }
        Files.deleteIfExists(dir);
    }
}
