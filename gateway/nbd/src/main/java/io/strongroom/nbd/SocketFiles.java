package io.strongroom.nbd;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/** The Unix socket's file: a stale one replaced, mode 0600 once bound, removed on close. Blocking: worker threads. */
final class SocketFiles {
    private SocketFiles() {}

    /**
     * Removes a socket file no process listens on any more (left by a killed server). Refuses, with
     * IllegalStateException, a path that is not a socket (never deletes a regular file) or one a live server answers on.
     */
    static Void clearStale(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        if (!isSocket(path)) {
            throw new IllegalStateException(
                    "nbd socket path " + path + " exists and is not a socket: not replacing it");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new IllegalStateException("nbd socket " + path + " is in use by a running server");
        } catch (IOException refused) {
            Files.delete(path);
            return null;
        }
    }

    /** Owner read and write only: NBD has no authentication, so the file mode decides who may connect. */
    static Void ownerOnly(Path path) throws IOException {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        return null;
    }

    /** A socket (neither a regular file, a directory nor a symbolic link), not following links. */
    private static boolean isSocket(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                .isOther();
    }

    static Void remove(Path path) throws IOException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && isSocket(path)) {
            Files.deleteIfExists(path);
        }
        return null;
    }
}
