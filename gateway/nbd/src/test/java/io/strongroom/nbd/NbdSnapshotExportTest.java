package io.strongroom.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot as a read-only NBD export {@code volume@snapshot}: the real {@code nbdinfo} sees it read-only with the
 * volume's size, the real {@code nbdcopy} reads the snapshot's bytes (not the volume's later writes) and cannot write
 * it; WRITE, TRIM and WRITE_ZEROES answer EPERM, FLUSH succeeds, and unknown snapshots are unknown exports. The
 * volume's own export stays writable.
 */
@Timeout(300)
class NbdSnapshotExportTest {
    static final int BS = 8192;
    static final int BLOCKS = 512;

    @TempDir
    Path dir;

    @Test
    void aSnapshotIsAReadOnlyExportThatRealClientsRead() throws Exception {
        try (NbdFixture fixture = NbdFixture.start(dir, Duration.ofMinutes(10))) {
            fixture.createVolume("db", (long) BS * BLOCKS);
            byte[] before = new byte[BS * BLOCKS];
            new Random(3).nextBytes(before);
            Await.result(fixture.strongroom
                    .volumes()
                    .write("db", 0, Buffer.buffer(before).slice(0, 64 * BS)));
            for (int first = 64; first < BLOCKS; first += 64) {
                Await.result(fixture.strongroom
                        .volumes()
                        .write("db", first, Buffer.buffer(before).slice(first * BS, (first + 64) * BS)));
            }
            Await.result(fixture.strongroom.volumes().createSnapshot("db", "s"));
            byte[] after = new byte[16 * BS];
            new Random(4).nextBytes(after);
            Await.result(fixture.strongroom.volumes().write("db", 0, Buffer.buffer(after)));

            NbdServer server = fixture.serve(new NbdOptions().setPort(0));
            try {
                String snapshotUri = "nbd://127.0.0.1:" + server.port() + "/db@s";
                JsonObject info =
                        Nbdinfo.run(dir, snapshotUri).getJsonArray("exports").getJsonObject(0);
                assertEquals("db@s", info.getString("export-name"));
                assertEquals((long) BS * BLOCKS, info.getLong("export-size"));
                assertEquals(true, info.getBoolean("is_read_only"));
                assertEquals(BS, info.getInteger("block_size_preferred"));
                JsonObject volumeInfo = Nbdinfo.run(dir, "nbd://127.0.0.1:" + server.port() + "/db")
                        .getJsonArray("exports")
                        .getJsonObject(0);
                assertEquals(false, volumeInfo.getBoolean("is_read_only"), "the volume itself stays writable");

                Path copy = dir.resolve("snapshot.img");
                run("nbdcopy", snapshotUri, copy.toString());
                assertArrayEquals(before, Files.readAllBytes(copy), "nbdcopy reads the snapshot as it was taken");
                Path image = dir.resolve("other.img");
                Files.write(image, after);
                assertNotEquals(0, exitOf("nbdcopy", image.toString(), snapshotUri), "nbdcopy cannot write it");

                try (NbdTestClient c = NbdTestClient.tcp(server.port())) {
                    c.clientFlags(NbdTestClient.FLAGS_FIXED_AND_NO_ZEROES);
                    NbdTestClient.ExportInfo export = c.go("db@s");
                    assertTrue((export.flags() & NbdProtocol.FLAG_READ_ONLY) != 0, "read-only flag");
                    assertEquals(
                            NbdProtocol.EPERM,
                            c.call(NbdProtocol.CMD_WRITE, 0, 0, BS, new byte[BS])
                                    .error());
                    assertEquals(
                            NbdProtocol.EPERM,
                            c.call(NbdProtocol.CMD_TRIM, 0, 0, BS, null).error());
                    assertEquals(
                            NbdProtocol.EPERM,
                            c.call(NbdProtocol.CMD_WRITE_ZEROES, 0, 0, BS, null).error());
                    assertEquals(0, c.call(NbdProtocol.CMD_FLUSH, 0, 0, 0, null).error());
                    byte[] expected = new byte[100];
                    System.arraycopy(before, 5000, expected, 0, 100);
                    assertArrayEquals(expected, c.read(5000, 100), "an unaligned read of the snapshot");
                }
                try (NbdTestClient c = NbdTestClient.tcp(server.port())) {
                    c.clientFlags(NbdTestClient.FLAGS_FIXED_AND_NO_ZEROES);
                    for (String unknown : List.of("db@none", "none@s", "db@", "@s", "db@BAD")) {
                        c.option(NbdProtocol.OPT_GO, NbdTestClient.infoRequest(unknown));
                        assertEquals(
                                NbdProtocol.REP_ERR_UNKNOWN, c.optionReply().type(), unknown);
                    }
                }
                assertArrayEquals(
                        after,
                        Await.result(fixture.strongroom.volumes().read("db", 0, 16))
                                .getBytes(),
                        "nothing reached the volume");
            } finally {
                Await.result(server.close());
            }
        }
    }

    private int exitOf(String... command) throws Exception {
        Path log = Files.createTempFile(dir, "cmd", ".log");
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        return p.exitValue();
    }

    private void run(String... command) throws Exception {
        assertEquals(0, exitOf(command), () -> String.join(" ", command) + " failed");
    }
}
