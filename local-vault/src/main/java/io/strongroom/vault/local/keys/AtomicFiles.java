package io.strongroom.vault.local.keys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Crash-safe file replacement: write a temporary file in the same directory, fsync it, rename it
 * over the target, fsync the directory. A reader sees the old or the new content, never a mix.
 * Blocking: call from worker threads only.
 */
public final class AtomicFiles {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private AtomicFiles() {}

    /** Replaces {@code target}; with {@code ownerOnly} the file is created with mode 0600. */
    public static void write(Path target, byte[] content, boolean ownerOnly) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        byte[] suffix = new byte[6];
        RANDOM.nextBytes(suffix);
        Path tmp = dir.resolve(
                "." + target.getFileName() + ".tmp-" + HexFormat.of().formatHex(suffix));
        try {
            try (FileChannel ch = FileChannel.open(
                    tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes(ownerOnly))) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
    }

    /** Creates {@code target} only if it does not exist yet (first writer wins). */
    public static void createNew(Path target, byte[] content, boolean ownerOnly) throws IOException {
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        write(target, content, ownerOnly);
    }

    public static void delete(Path target) throws IOException {
        if (Files.deleteIfExists(target)) {
            syncDirectory(target.toAbsolutePath().getParent());
        }
    }

    /** Makes a rename or delete in {@code dir} durable (Linux allows fsync on a directory). */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static FileAttribute<?>[] attributes(boolean ownerOnly) {
        if (!ownerOnly || !POSIX) {
            return new FileAttribute<?>[0];
        }
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString("rw-------");
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)};
    }
}
