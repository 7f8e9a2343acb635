package io.strongroom.store.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Small real file systems mounted for a test: a tmpfs that fills up, an ext4 image on a loop device whose largest
 * file (16 TiB with 4 KiB blocks) a volume can exceed. Mounting needs root, which the suite has here and in CI (as
 * the integration module's loop-device and FUSE tests do).
 */
final class Mounts {
    private Mounts() {}

    /** Mounts a tmpfs of {@code size} (mount's syntax: 4m) on {@code dir}. */
    static void tmpfs(Path dir, String size) throws IOException, InterruptedException {
        run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
    }

    /** Makes an ext4 file system of {@code megabytes} in {@code image} (4 KiB blocks) and mounts it on {@code dir}. */
    static void ext4(Path image, int megabytes, Path dir) throws IOException, InterruptedException {
        run("truncate", "-s", megabytes + "M", image.toString());
        run("mkfs.ext4", "-q", "-F", "-b", "4096", image.toString());
        Files.createDirectories(dir);
        run("mount", "-o", "loop", image.toString(), dir.toString());
    }

    /**
     * Unmounts {@code dir}; if files are still open there (a test that failed before closing its store), detaches it
     * lazily so no mount outlives the test, and reports the failure.
     */
    static void unmount(Path dir) throws IOException, InterruptedException {
        try {
            run("umount", dir.toString());
        } catch (IOException busy) {
            run("umount", "-l", dir.toString());
            throw busy;
        }
    }

    /** Copies a directory tree keeping holes (a volume's sparse data file), as an operator moving a volume would. */
    static void copySparse(Path from, Path to) throws IOException, InterruptedException {
        run("cp", "-a", "--sparse=always", from.toString(), to.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        int exit = p.waitFor();
        if (exit != 0) {
            throw new IOException(String.join(" ", command) + " exited " + exit
                    + " (mounting a test file system needs root, as CI has): " + output.strip());
        }
    }
}
