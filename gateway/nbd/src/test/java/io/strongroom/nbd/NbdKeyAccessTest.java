package io.strongroom.nbd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strongroom.core.keys.KekRef;
import io.strongroom.core.keys.KeyAccessMonitor;
import io.strongroom.core.keys.KeyAccessSnapshot;
import io.strongroom.core.keys.KeyState;
import io.strongroom.core.testkit.Await;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A volume whose KEK goes INACCESSIBLE (deleted from the vault, then the grace period of 1 ms runs out) answers
 * every NBD read, write and flush with EIO, while the connection and the other volumes go on.
 */
@Timeout(300)
class NbdKeyAccessTest {
    private static final int BS = 8192;

    @TempDir
    Path dir;

    @Test
    void aVolumeWhoseKeyIsInaccessibleAnswersEio() throws IOException {
        try (NbdFixture fixture = NbdFixture.start(dir, Duration.ofMillis(1))) {
            fixture.createVolumeUnderOwnKey("dark", 64L * BS, "customer-key");
            fixture.createVolume("lit", 64L * BS);
            NbdServer server = fixture.serve(new NbdOptions().setPort(0));
            try (NbdTestClient dark = NbdTestClient.connect(server.port(), "dark");
                    NbdTestClient lit = NbdTestClient.connect(server.port(), "lit")) {
                byte[] block = new byte[BS];
                Arrays.fill(block, (byte) 7);
                dark.write(0, block);

                Await.result(fixture.admin.deleteKey("customer-key"));
                KekRef kek = fixture.strongroom.keyVaults().keyStates().stream()
                        .map(KeyAccessSnapshot::kek)
                        .filter(k -> k.keyName().equals("customer-key"))
                        .findFirst()
                        .orElseThrow();
                KeyAccessMonitor monitor = fixture.strongroom.keyAccess().monitor();
                Await.result(monitor.probe(kek));
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    monitor.tick();
                    return fixture.strongroom.keyVaults().access(kek).state() == KeyState.INACCESSIBLE;
                });

                assertEquals(
                        NbdProtocol.EIO,
                        dark.call(NbdProtocol.CMD_READ, 0, 0, BS, null).error());
                assertEquals(
                        NbdProtocol.EIO,
                        dark.call(NbdProtocol.CMD_WRITE, 0, 0, BS, block).error());
                assertEquals(
                        NbdProtocol.EIO,
                        dark.call(NbdProtocol.CMD_WRITE, 0, 512, 512, new byte[512])
                                .error(),
                        "a read-modify-write fails on its read");
                assertEquals(
                        NbdProtocol.EIO,
                        dark.call(NbdProtocol.CMD_FLUSH, 0, 0, 0, null).error());
                assertEquals(
                        NbdProtocol.EIO,
                        dark.call(NbdProtocol.CMD_TRIM, 0, 0, BS, null).error());
                assertEquals(
                        NbdProtocol.EINVAL,
                        dark.call(NbdProtocol.CMD_READ, 0, 64L * BS, BS, null).error());

                lit.write(BS, block);
                assertArrayEquals(block, lit.read(BS, BS), "a volume under another KEK goes on");
                assertEquals(0, server.locksHeld());
                assertEquals(
                        2,
                        server.metrics().count("read", "EIO") + server.metrics().count("flush", "EIO"));
            } finally {
                Await.result(server.close());
            }
        }
    }
}
