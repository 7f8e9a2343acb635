package io.strongroom.integration;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The external programs these tests drive, and the Debian package each comes from. A missing one fails the test with
 * the package to install (CI installs them all); it never skips, because a skipped interop test proves nothing.
 */
final class Tools {
    /** PostgreSQL's server binaries are not on PATH on Debian. */
    static final Path POSTGRES_BIN = Path.of("/usr/lib/postgresql/15/bin");

    private static final Map<String, String> PACKAGES = Map.ofEntries(
            Map.entry("nbdinfo", "libnbd-bin"),
            Map.entry("nbdcopy", "libnbd-bin"),
            Map.entry("nbdfuse", "libnbd-bin"),
            Map.entry("fusermount3", "fuse3"),
            Map.entry("qemu-img", "qemu-utils"),
            Map.entry("fio", "fio"),
            Map.entry("losetup", "util-linux"),
            Map.entry("runuser", "util-linux"),
            Map.entry("mkfs.ext4", "e2fsprogs"),
            Map.entry("e2fsck", "e2fsprogs"),
            Map.entry("curl", "curl"),
            Map.entry("pgrep", "procps"),
            Map.entry("initdb", "postgresql-15"),
            Map.entry("pg_ctl", "postgresql-15"),
            Map.entry("pg_amcheck", "postgresql-15"),
            Map.entry("pg_checksums", "postgresql-15"),
            Map.entry("psql", "postgresql-client-15"),
            Map.entry("pgbench", "postgresql-client-15"));

    private Tools() {}

    /** Fails, naming every missing program and its package, unless all of {@code names} can be run. */
    static void require(String... names) {
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            if (find(name) == null) {
                missing.add(name + " (apt package " + PACKAGES.getOrDefault(name, "?") + ")");
            }
        }
        if (!missing.isEmpty()) {
            fail("missing programs: " + String.join(", ", missing) + "; .ci/run installs them");
        }
    }

    /** Fails unless this JVM runs as root (loop devices, mounts and runuser need it). */
    static void requireRoot() {
        try {
            int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            if (uid != 0) {
                fail("this test attaches loop devices and mounts file systems: run it as root (uid is " + uid + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path find(String name) {
        List<Path> dirs = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty()) {
                dirs.add(Path.of(dir));
            }
        }
        dirs.addAll(List.of(Path.of("/usr/sbin"), Path.of("/sbin"), POSTGRES_BIN));
        for (Path dir : dirs) {
            Path candidate = dir.resolve(name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
