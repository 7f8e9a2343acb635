package io.strongroom.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One gateway per data directory: an exclusive lock on {@code <dataDir>/lock}, taken before anything else touches
 * the directory and held until {@link #close()}. Two gateways on one directory would each replay and append to the
 * same journals and metadata and corrupt them; the lock makes the second start fail at once, naming the holder.
 *
 * <p>The operating system releases the lock when the holding process ends, however it ends (SIGKILL included), so
 * a crash never leaves a stale lock behind. The file records the holder ({@code pid=… host=… since=…}) for the
 * message of a refused start; it is left in place on close, because deleting it could let two processes lock two
 * different files of the same name.
 *
 * <p>Within one JVM the lock is also recorded in a map, checked first: on Linux (POSIX record locks) closing any
 * channel on the file would release the holder's lock, so a second start in the same process must not even open it.
 * Blocking (file I/O, host name): call from a worker thread.
 */
final class DataDirLock implements AutoCloseable {
    static final String FILE_NAME = "lock";

    private static final Map<Path, Claim> HELD_BY_THIS_JVM = new ConcurrentHashMap<>();
    private static final Pattern HOLDER = Pattern.compile("pid=(\\S+) host=(\\S+) since=(\\S+)");

    /** This JVM's claim on a directory; compared by identity, so a late close never drops a newer claim. */
    private static final class Claim {
        final String holder;

        Claim(String holder) {
            this.holder = holder;
        }
    }

    private final Path dir;
    private final Claim claim;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path dir, Claim claim, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.claim = claim;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Creates the data directory if needed and locks it.
     *
     * @throws DataDirInUseException another process, or another gateway in this one, holds the lock
     * @throws UncheckedIOException the directory or the lock file cannot be created, opened or written
     */
    static DataDirLock acquire(Path dataDir) {
        Path dir;
        try {
            dir = Files.createDirectories(dataDir).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dataDir, e);
        }
        String holder = "pid=" + ProcessHandle.current().pid() + " host=" + hostName() + " since="
                + Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Claim claim = new Claim(holder);
        Claim previous = HELD_BY_THIS_JVM.putIfAbsent(dir, claim);
        if (previous != null) {
            throw inUse(dir, previous.holder, true);
        }
        try {
            return lock(dir, claim);
        } catch (RuntimeException e) {
            HELD_BY_THIS_JVM.remove(dir, claim);
            throw e;
        }
    }

    private static DataDirLock lock(Path dir, Claim claim) {
        Path file = dir.resolve(FILE_NAME);
        FileChannel channel = null;
        DataDirLock locked = null;
        try {
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            boolean thisProcess = false;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                // Locked through another channel of this JVM that did not come through acquire(): the same refusal.
                lock = null;
                thisProcess = true;
            }
            if (lock == null) {
                throw inUse(dir, holder(file), thisProcess);
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((claim.holder + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            locked = new DataDirLock(dir, claim, channel, lock);
            return locked;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the data directory " + dir + " (" + file + ")", e);
        } finally {
            if (locked == null) {
                closeQuietly(channel);
            }
        }
    }

    /** Releases the lock; the next gateway on the directory may start. Idempotent. */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock on " + dir, e);
        } finally {
            HELD_BY_THIS_JVM.remove(dir, claim);
        }
    }

    /** The holder as recorded in the file, or a placeholder while the holder has not written it yet. */
    private static String holder(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static DataDirInUseException inUse(Path dir, String holder, boolean thisProcess) {
        Matcher m = HOLDER.matcher(holder);
        String who = m.matches()
                ? "pid " + m.group(1) + " on " + m.group(2) + " since " + m.group(3)
                : "a process that has not recorded itself yet";
        return new DataDirInUseException("data directory " + dir + " is in use by another gateway (" + who
                + (thisProcess ? ", in this process" : "") + "); stop it or choose another dataDir");
    }

    /** The host name for the holder line; never fails start-up (no network beyond the resolver's local answer). */
    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing with the cause that matters
            }
        }
    }

    @Override
    public String toString() {
        return "DataDirLock[" + dir + "]";
    }
}
