package io.strongroom.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Unix socket's file: one left behind by a dead server is replaced; a regular file at the path, or a socket a
 * live server answers on, is refused with a message naming the path and nothing is deleted.
 */
@Timeout(300)
class NbdSocketFileTest {
    @TempDir
    Path dir;

    @Test
    void aStaleSocketIsReplacedAndAFileOrALiveSocketIsRefused() throws IOException {
        try (NbdFixture fixture = NbdFixture.start(dir, Duration.ofMinutes(10))) {
            fixture.createVolume("v", 64L * 8192);

            Path stale = dir.resolve("stale.sock");
            try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                dead.bind(UnixDomainSocketAddress.of(stale)); // closed without unlinking: what a killed server leaves
            }
            assertTrue(Files.exists(stale));
            NbdServer replaced = fixture.serve(new NbdOptions().setSocketPath(stale));
            try (NbdTestClient c = NbdTestClient.unix(stale)) {
                c.clientFlags(NbdTestClient.FLAGS_FIXED_AND_NO_ZEROES);
                assertEquals(List.of("v"), c.list());
            }

            Throwable live = Await.failure(NbdServer.start(
                    fixture.vertx, fixture.strongroom.volumes(), new NbdOptions().setSocketPath(stale)));
            assertInstanceOf(IllegalStateException.class, live);
            assertTrue(live.getMessage().contains("in use"), live.getMessage());
            try (NbdTestClient c = NbdTestClient.unix(stale)) {
                c.clientFlags(NbdTestClient.FLAGS_FIXED_AND_NO_ZEROES);
                assertEquals(List.of("v"), c.list(), "the refused start left the live server's socket alone");
            }
            Await.result(replaced.close());

            Path regular = Files.writeString(dir.resolve("not-a-socket"), "keep me");
            Throwable file = Await.failure(NbdServer.start(
                    fixture.vertx, fixture.strongroom.volumes(), new NbdOptions().setSocketPath(regular)));
            assertTrue(file.getMessage().contains("is not a socket"), file.getMessage());
            assertEquals("keep me", Files.readString(regular));
        }
    }
}
