package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway on a real 32 MiB ext4 file system (an image on a loop device, mounted for the test: the suite runs as
 * root, as CI does), seen from a client: a volume larger than ext4's 16 TiB file limit is refused at creation with a
 * JSON 400; a full disk answers 507 {@code InsufficientStorage}, shows the volume in {@code GET /health} and
 * {@code GET /metrics}, keeps reads of every volume working, and writes come back by themselves once space is freed,
 * with no acknowledged write lost.
 */
class StorageFaultsEndToEndTest {
    private static final int BS = 8192;
    private static final int RUN = 4;
    private static final String T = TestTokens.DATA_ALL;

    @TempDir
    Path dir;

    private Path data;
    private boolean mounted;

    @BeforeEach
    void mountExt4() throws Exception {
        data = dir.resolve("data");
        Files.createDirectories(data);
        run("truncate", "-s", "32M", dir.resolve("ext4.img").toString());
        run("mkfs.ext4", "-q", "-F", "-b", "4096", dir.resolve("ext4.img").toString());
        run("mount", "-o", "loop", dir.resolve("ext4.img").toString(), data.toString());
        mounted = true;
        TestTokens.write(data);
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            try {
                run("umount", data.toString());
            } catch (IOException busy) {
                run("umount", "-l", data.toString());
                throw busy;
            }
        }
    }

    @Test
    void tooLargeVolumesAreRefusedAndAFullDiskIs507UntilSpaceIsFreed() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(data)) {
            GatewayFixture.Response big = create(gw, "big", 1L << 44);
            assertEquals(400, big.status(), new String(big.body()));
            assertEquals("InvalidArgument", big.errorCode());
            assertTrue(big.json().getJsonObject("error").getString("message").contains("file size limit"));
            assertEquals(404, gw.get("/v1/volumes/big", TestTokens.ADMIN).status());

            assertEquals(201, create(gw, "a", 8192L * BS).status());
            assertEquals(201, create(gw, "b", 16L * BS).status());
            String aId = gw.get("/v1/volumes/a", TestTokens.ADMIN).json().getString("id");
            byte[] bBlocks = BlockApiTest.random(RUN * BS, 2);
            assertEquals(
                    204,
                    gw.send("PUT", "/v1/volumes/b/blocks/0?count=" + RUN, T, bBlocks)
                            .status());
            Path filler = data.resolve("filler");
            Files.write(filler, new byte[4 * 1024 * 1024]);

            List<byte[]> acknowledged = new ArrayList<>();
            GatewayFixture.Response refused = null;
            while (refused == null) {
                byte[] run = BlockApiTest.random(RUN * BS, 100 + acknowledged.size());
                GatewayFixture.Response put =
                        gw.send("PUT", "/v1/volumes/a/blocks/" + acknowledged.size() * RUN + "?count=" + RUN, T, run);
                if (put.status() == 204) {
                    acknowledged.add(run);
                    assertTrue(acknowledged.size() * RUN < 8192, "32 MiB held the whole 64 MiB volume");
                } else {
                    refused = put;
                }
            }
            assertEquals(507, refused.status(), new String(refused.body()));
            assertEquals("InsufficientStorage", refused.errorCode());
            assertTrue(acknowledged.size() > 10, "the disk had room for some writes: " + acknowledged.size());

            JsonObject health = gw.get("/health", T).json();
            assertEquals("DEGRADED", health.getString("status"), health.encodePrettily());
            JsonArray faulted = health.getJsonObject("storage").getJsonArray("faultedVolumes");
            assertEquals(1, faulted.size(), health.encodePrettily());
            assertEquals(aId, faulted.getJsonObject(0).getString("volumeId"));
            assertEquals("no_space", faulted.getJsonObject(0).getString("state"));
            String metrics = new String(gw.get("/metrics", T).body());
            assertTrue(
                    metrics.contains("strongroom_store_volume_fault{volume_id=\"" + aId + "\",state=\"no_space\"} 1"),
                    metrics);

            assertReads(gw, acknowledged);
            assertArrayEquals(
                    bBlocks, gw.get("/v1/volumes/b/blocks/0?count=" + RUN, T).body());

            Files.delete(filler);
            int next = acknowledged.size() * RUN;
            byte[] after = BlockApiTest.random(RUN * BS, 99);
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> gw.send("PUT", "/v1/volumes/a/blocks/" + next + "?count=" + RUN, T, after)
                                    .status()
                            == 204);
            acknowledged.add(after);
            JsonObject recovered = gw.get("/health", T).json();
            assertEquals("UP", recovered.getString("status"), recovered.encodePrettily());
            assertEquals(
                    0,
                    recovered
                            .getJsonObject("storage")
                            .getJsonArray("faultedVolumes")
                            .size());
            assertReads(gw, acknowledged);
        }
    }

    /** A gateway restarted while its disk is full starts, serves reads, refuses writes with 507 until space returns. */
    @Test
    void theGatewayStartsOnAFullDisk() throws Exception {
        Path reserve = data.resolve("reserve");
        Files.write(reserve, new byte[4 * 1024 * 1024]);
        List<byte[]> acknowledged = new ArrayList<>();
        try (GatewayFixture gw = GatewayFixture.start(data)) {
            assertEquals(201, create(gw, "a", 8192L * BS).status());
            while (true) {
                byte[] run = BlockApiTest.random(RUN * BS, 100 + acknowledged.size());
                int status = gw.send(
                                "PUT", "/v1/volumes/a/blocks/" + acknowledged.size() * RUN + "?count=" + RUN, T, run)
                        .status();
                if (status != 204) {
                    assertEquals(507, status);
                    break;
                }
                acknowledged.add(run);
            }
        }
        Path filler = data.resolve("filler");
        try (var out = Files.newOutputStream(filler)) {
            byte[] page = new byte[4096];
            while (true) {
                out.write(page);
            }
        } catch (IOException full) {
            assertTrue(full.getMessage().contains("No space left on device"), full.toString());
        }

        try (GatewayFixture gw = GatewayFixture.start(data)) {
            assertReads(gw, acknowledged);
            int next = acknowledged.size() * RUN;
            byte[] after = BlockApiTest.random(RUN * BS, 99);
            GatewayFixture.Response refused =
                    gw.send("PUT", "/v1/volumes/a/blocks/" + next + "?count=" + RUN, T, after);
            assertEquals(507, refused.status(), new String(refused.body()));
            Files.delete(filler);
            Files.delete(reserve);
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> gw.send("PUT", "/v1/volumes/a/blocks/" + next + "?count=" + RUN, T, after)
                                    .status()
                            == 204);
            acknowledged.add(after);
            assertReads(gw, acknowledged);
        }
    }

    /**
     * A volume whose files are damaged (both journal header copies) no longer keeps the gateway from starting: it is
     * set aside, shown as stopped in {@code GET /health}, and the other volume serves.
     */
    @Test
    void aVolumeThatCannotBeOpenedDoesNotStopTheOthers() throws Exception {
        byte[] bBlocks = BlockApiTest.random(RUN * BS, 3);
        String aId;
        try (GatewayFixture gw = GatewayFixture.start(data)) {
            assertEquals(201, create(gw, "a", 16L * BS).status());
            assertEquals(201, create(gw, "b", 16L * BS).status());
            aId = gw.get("/v1/volumes/a", TestTokens.ADMIN).json().getString("id");
            assertEquals(
                    204,
                    gw.send("PUT", "/v1/volumes/b/blocks/0?count=" + RUN, T, bBlocks)
                            .status());
        }
        Path journal = data.resolve("volumes").resolve(aId).resolve("journal.wal");
        byte[] bytes = Files.readAllBytes(journal);
        bytes[2] ^= 1;
        bytes[4096 + 2] ^= 1;
        Files.write(journal, bytes);

        try (GatewayFixture gw = GatewayFixture.start(data)) {
            assertArrayEquals(
                    bBlocks, gw.get("/v1/volumes/b/blocks/0?count=" + RUN, T).body());
            assertEquals(
                    204,
                    gw.send("PUT", "/v1/volumes/b/blocks/4?count=" + RUN, T, bBlocks)
                            .status());
            GatewayFixture.Response refused = gw.get("/v1/volumes/a/blocks/0", T);
            assertTrue(refused.status() >= 500, refused.status() + " " + new String(refused.body()));
            JsonObject health = gw.get("/health", T).json();
            assertEquals("DEGRADED", health.getString("status"), health.encodePrettily());
            JsonArray faulted = health.getJsonObject("storage").getJsonArray("faultedVolumes");
            assertEquals(1, faulted.size(), health.encodePrettily());
            assertEquals(aId, faulted.getJsonObject(0).getString("volumeId"));
            assertEquals("stopped", faulted.getJsonObject(0).getString("state"));
        }
    }

    private static GatewayFixture.Response create(GatewayFixture gw, String name, long sizeBytes) throws Exception {
        return gw.json(
                "POST",
                "/v1/volumes",
                TestTokens.ADMIN,
                new JsonObject().put("name", name).put("sizeBytes", sizeBytes));
    }

    private static void assertReads(GatewayFixture gw, List<byte[]> runs) throws Exception {
        for (int i = 0; i < runs.size(); i++) {
            GatewayFixture.Response r = gw.get("/v1/volumes/a/blocks/" + i * RUN + "?count=" + RUN, T);
            assertEquals(200, r.status(), "run " + i);
            assertArrayEquals(runs.get(i), r.body(), "run " + i);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed (mounting a test file system needs root, as CI"
                    + " has): " + output.strip());
        }
    }
}
