package io.strongroom.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

/** The one line a failed start prints: every cause's message, the operating system's reason kept, nothing twice. */
class FailuresTest {

    @Test
    void fileSystemFailuresKeepTheFileTheReasonAndTheKind() {
        assertEquals(
                "cannot create the data directory /srv/data: /srv/data: Read-only file system",
                Failures.describe(new UncheckedIOException(
                        "cannot create the data directory /srv/data",
                        new FileSystemException("/srv/data", null, "Read-only file system"))));
        assertEquals(
                "cannot lock the data directory /srv/data: /srv/data/lock (AccessDeniedException)",
                Failures.describe(new UncheckedIOException(
                        "cannot lock the data directory /srv/data", new AccessDeniedException("/srv/data/lock"))));
    }

    @Test
    void causesAreJoinedOnceAndErrorsNamed() {
        assertEquals(
                "cannot listen for HTTP on 127.0.0.1:8080: Address already in use",
                Failures.describe(new IllegalStateException(
                        "cannot listen for HTTP on 127.0.0.1:8080", new BindException("Address already in use"))));
        BindException bind = new BindException("Address already in use");
        assertEquals("Address already in use", Failures.describe(new IllegalStateException(bind.getMessage(), bind)));
        assertEquals(
                "NoClassDefFoundError: io/strongroom/X",
                Failures.describe(new NoClassDefFoundError("io/strongroom/X")));
        assertEquals("IllegalStateException", Failures.describe(new IllegalStateException()));
    }
}
