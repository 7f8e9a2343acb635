package io.strongroom.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data-directory lock on its own: the holder line, a refused second acquire in this process, release. The lock
 * file is read only after the lock is released: closing any descriptor of it in the holding process would drop the
 * process's POSIX lock (which is why DataDirLock never opens it twice).
 */
class DataDirLockTest {
    private static final Pattern HOLDER_LINE =
            Pattern.compile("pid=" + ProcessHandle.current().pid() + " host=\\S+ since=\\d{4}-\\d\\d-\\d\\dT\\S+Z\n");

    @TempDir
    Path dir;

    @Test
    void aSecondAcquireInThisProcessIsRefusedNamingTheHolderUntilTheFirstCloses() throws Exception {
        Path data = dir.resolve("not-yet-created");
        try (DataDirLock lock = DataDirLock.acquire(data)) {
            DataDirInUseException refused = assertThrows(DataDirInUseException.class, () -> DataDirLock.acquire(data));
            String message = refused.getMessage();
            assertTrue(
                    message.startsWith("data directory " + data.toRealPath() + " is in use by another gateway (pid "
                            + ProcessHandle.current().pid() + " on "),
                    message);
            assertTrue(message.endsWith(", in this process); stop it or choose another dataDir"), message);
            assertEquals(-1, message.indexOf('\n'), "one line");
            Path otherSpelling = data.resolve("..").resolve(data.getFileName());
            assertThrows(DataDirInUseException.class, () -> DataDirLock.acquire(otherSpelling), "the same directory");
        }
        String recorded = Files.readString(data.resolve(DataDirLock.FILE_NAME));
        assertTrue(HOLDER_LINE.matcher(recorded).matches(), recorded);
        DataDirLock.acquire(data).close(); // free again once the first has closed
    }

    @Test
    void closeIsIdempotentAndALateCloseDoesNotReleaseTheNextHolder() {
        DataDirLock first = DataDirLock.acquire(dir);
        first.close();
        DataDirLock second = DataDirLock.acquire(dir);
        try {
            first.close();
            assertThrows(DataDirInUseException.class, () -> DataDirLock.acquire(dir), "still held by the second");
        } finally {
            second.close();
        }
        DataDirLock.acquire(dir).close();
    }
}
