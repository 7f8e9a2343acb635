package io.strongroom.server.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.server.config.GatewayConfig;
import io.strongroom.store.ceph.CephCluster;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway serving volumes on the {@code ceph} backend (a throwaway cluster for the run): created, written and
 * read over HTTP, then read back after a restart, with nothing of the volume on the gateway's own disk.
 */
@ExtendWith(CephCluster.Extension.class)
class CephGatewayTest {

    @TempDir
    Path dir;

    @Test
    void aVolumeOnCephServesAndSurvivesARestart(CephCluster cluster) throws Exception {
        GatewayConfig config = GatewayFixture.config(dir)
                .setStorageBackend("ceph")
                .setCephConf(cluster.conf())
                .setCephNamespace(CephCluster.freshNamespace());
        byte[] run = BlockApiTest.random(4 * 8192, 71);
        byte[] one = BlockApiTest.random(8192, 72);
        try (GatewayFixture gw = GatewayFixture.start(config, null, c -> {})) {
            String admin = gw.gateway.adminToken();
            GatewayFixture.Response created = gw.json(
                    "POST",
                    "/v1/volumes",
                    admin,
                    new JsonObject().put("name", "oncs").put("sizeBytes", 1024L * 8192));
            assertEquals(201, created.status(), () -> new String(created.body()));
            assertEquals(
                    204,
                    gw.send("PUT", "/v1/volumes/oncs/blocks/252?count=4", admin, run)
                            .status());
            assertEquals(
                    204,
                    gw.send("PUT", "/v1/volumes/oncs/blocks/1023", admin, one).status());
            assertArrayEquals(
                    run, gw.get("/v1/volumes/oncs/blocks/252?count=4", admin).body());
            assertArrayEquals(
                    new byte[8192], gw.get("/v1/volumes/oncs/blocks/0", admin).body());
            assertEquals(
                    204,
                    gw.send("POST", "/v1/volumes/oncs/flush", admin, new byte[0])
                            .status());
        }
        assertFalse(holdsFiles(dir.resolve("volumes")), "the volume lives in Ceph, not under the data directory");
        try (GatewayFixture gw = GatewayFixture.start(config, null, c -> {})) {
            String admin = gw.gateway.adminToken();
            assertArrayEquals(
                    run, gw.get("/v1/volumes/oncs/blocks/252?count=4", admin).body());
            assertArrayEquals(one, gw.get("/v1/volumes/oncs/blocks/1023", admin).body());
            JsonObject info = gw.get("/v1/volumes/oncs", admin).json();
            assertEquals("AVAILABLE", info.getString("keyState"));
            assertTrue(info.getJsonObject("counters").getLong("dekInvocations") >= 5, info.encode());
        }
    }

    private static boolean holdsFiles(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.anyMatch(Files::isRegularFile);
        }
    }
}
