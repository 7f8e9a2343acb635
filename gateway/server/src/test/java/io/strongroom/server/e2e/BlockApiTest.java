package io.strongroom.server.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Volume lifecycle and block I/O over real HTTP/1.1 against a gateway with the embedded vault. */
class BlockApiTest {
    private static final int BS = 8192;

    @TempDir
    static Path dir;

    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        TestTokens.write(dir);
        gw = GatewayFixture.start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    static void create(String name, long size, Integer blockSize) throws Exception {
        JsonObject body = new JsonObject().put("name", name).put("sizeBytes", size);
        if (blockSize != null) {
            body.put("blockSize", blockSize);
        }
        GatewayFixture.Response r = gw.json("POST", "/v1/volumes", TestTokens.VOLUME_ADMIN, body);
        assertEquals(201, r.status(), new String(r.body()));
    }

    @Test
    void volumeLifecycle() throws Exception {
        create("life", 64L * BS, null);
        GatewayFixture.Response info = gw.get("/v1/volumes/life", TestTokens.VOLUME_ADMIN);
        assertEquals(200, info.status());
        JsonObject json = info.json();
        assertEquals(BS, json.getInteger("blockSize"));
        assertEquals(64, json.getLong("blockCount"));
        assertEquals("AVAILABLE", json.getString("keyState"));
        assertTrue(json.getString("kek").contains("/keys/strongroom-service-key/"), json.getString("kek"));
        assertEquals(1, json.getJsonArray("dekIds").size());

        JsonArray listed = gw.get("/v1/volumes", TestTokens.VOLUME_ADMIN).json().getJsonArray("volumes");
        assertTrue(
                listed.stream().anyMatch(v -> ((JsonObject) v).getString("name").equals("life")));

        assertEquals(
                409,
                gw.json(
                                "POST",
                                "/v1/volumes",
                                TestTokens.VOLUME_ADMIN,
                                new JsonObject().put("name", "life").put("sizeBytes", 64L * BS))
                        .status());

        assertEquals(
                204,
                gw.send("DELETE", "/v1/volumes/life", TestTokens.VOLUME_ADMIN, null)
                        .status());
        GatewayFixture.Response gone = gw.get("/v1/volumes/life", TestTokens.VOLUME_ADMIN);
        assertEquals(404, gone.status());
        assertEquals("VolumeNotFound", gone.errorCode());
    }

    @Test
    void singleBlockWriteReadAndNeverWrittenZeros() throws Exception {
        create("single", 16L * BS, null);
        byte[] block = random(BS, 1);
        assertEquals(
                204,
                gw.send("PUT", "/v1/volumes/single/blocks/5", TestTokens.DATA_ALL, block)
                        .status());
        GatewayFixture.Response back = gw.get("/v1/volumes/single/blocks/5", TestTokens.DATA_ALL);
        assertEquals(200, back.status());
        assertEquals(
                "application/octet-stream",
                back.headers().firstValue("content-type").orElseThrow());
        assertArrayEquals(block, back.body());
        assertArrayEquals(
                new byte[BS],
                gw.get("/v1/volumes/single/blocks/6", TestTokens.DATA_ALL).body());
    }

    @Test
    void multiBlockRunsAndOtherBlockSizes() throws Exception {
        create("multi", 32L * 4096, 4096);
        byte[] run = random(8 * 4096, 2);
        assertEquals(
                204,
                gw.send("PUT", "/v1/volumes/multi/blocks/10?count=8", TestTokens.DATA_ALL, run)
                        .status());
        assertArrayEquals(
                run,
                gw.get("/v1/volumes/multi/blocks/10?count=8", TestTokens.DATA_ALL)
                        .body());
        byte[] middle = gw.get("/v1/volumes/multi/blocks/12?count=2", TestTokens.DATA_ALL)
                .body();
        assertArrayEquals(Arrays.copyOfRange(run, 2 * 4096, 4 * 4096), middle);
        byte[] straddle = gw.get("/v1/volumes/multi/blocks/17?count=2", TestTokens.DATA_ALL)
                .body();
        assertArrayEquals(Arrays.copyOfRange(run, 7 * 4096, 8 * 4096), Arrays.copyOfRange(straddle, 0, 4096));
        assertArrayEquals(new byte[4096], Arrays.copyOfRange(straddle, 4096, 8192));

        create("big", 4L * 32768, 32768);
        byte[] bigRun = random(4 * 32768, 3);
        assertEquals(
                204,
                gw.send("PUT", "/v1/volumes/big/blocks/0?count=4", TestTokens.DATA_ALL, bigRun)
                        .status());
        assertArrayEquals(
                bigRun,
                gw.get("/v1/volumes/big/blocks/0?count=4", TestTokens.DATA_ALL).body());
    }

    @Test
    void trimReadsBackZerosAndFlushIsABarrier() throws Exception {
        create("trim", 16L * BS, null);
        byte[] run = random(4 * BS, 4);
        assertEquals(
                204,
                gw.send("PUT", "/v1/volumes/trim/blocks/0?count=4", TestTokens.DATA_ALL, run)
                        .status());
        assertEquals(
                204,
                gw.json(
                                "POST",
                                "/v1/volumes/trim/trim",
                                TestTokens.DATA_ALL,
                                new JsonObject().put("first", 1).put("count", 2))
                        .status());
        byte[] after =
                gw.get("/v1/volumes/trim/blocks/0?count=4", TestTokens.DATA_ALL).body();
        assertArrayEquals(Arrays.copyOfRange(run, 0, BS), Arrays.copyOfRange(after, 0, BS));
        assertArrayEquals(new byte[2 * BS], Arrays.copyOfRange(after, BS, 3 * BS));
        assertArrayEquals(Arrays.copyOfRange(run, 3 * BS, 4 * BS), Arrays.copyOfRange(after, 3 * BS, 4 * BS));
        assertEquals(
                204,
                gw.send("POST", "/v1/volumes/trim/flush", TestTokens.DATA_ALL, null)
                        .status());

        JsonObject counters =
                gw.get("/v1/volumes/trim", TestTokens.VOLUME_ADMIN).json().getJsonObject("counters");
        assertTrue(counters.getLong("writes") >= 1, counters.encode());
        assertTrue(counters.getLong("dekInvocations") >= 4, counters.encode());
    }

    @Test
    void livenessNeedsNoTokenButEverythingElseDoes() throws Exception {
        GatewayFixture.Response live = gw.get("/health/live", null);
        assertEquals(200, live.status());
        assertEquals("UP", live.json().getString("status"));
        for (String path : new String[] {"/health", "/metrics", "/v1/volumes", "/v1/volumes/x/blocks/0"}) {
            GatewayFixture.Response r = gw.get(path, null);
            assertEquals(401, r.status(), path);
            assertEquals("Unauthorized", r.errorCode(), path);
            assertEquals(
                    "Bearer realm=\"strongroom\"",
                    r.headers().firstValue("www-authenticate").orElseThrow(),
                    path);
            assertEquals(401, gw.get(path, "not-a-valid-token").status(), path);
        }
    }

    @Test
    void rolesAndVolumeGrants() throws Exception {
        create("a", 4L * BS, null);
        create("b", 4L * BS, null);
        byte[] block = random(BS, 5);
        // data token for volume a: blocks of a only, no administration
        assertEquals(
                204,
                gw.send("PUT", "/v1/volumes/a/blocks/0", TestTokens.DATA_A, block)
                        .status());
        assertForbidden(gw.send("PUT", "/v1/volumes/b/blocks/0", TestTokens.DATA_A, block));
        assertForbidden(gw.get("/v1/volumes/b/blocks/0", TestTokens.DATA_A));
        assertForbidden(gw.json(
                "POST",
                "/v1/volumes/b/trim",
                TestTokens.DATA_A,
                new JsonObject().put("first", 0).put("count", 1)));
        assertForbidden(gw.get("/v1/volumes", TestTokens.DATA_A));
        assertForbidden(gw.send("DELETE", "/v1/volumes/a", TestTokens.DATA_A, null));
        assertForbidden(gw.send("POST", "/v1/volumes/a/revalidate", TestTokens.DATA_A, null));
        assertEquals(200, gw.get("/v1/volumes/a", TestTokens.DATA_A).status(), "a data token may describe its volume");
        // volume-admin: no block access, no key administration
        assertForbidden(gw.get("/v1/volumes/a/blocks/0", TestTokens.VOLUME_ADMIN));
        assertForbidden(gw.send("POST", "/v1/volumes/a/revalidate", TestTokens.VOLUME_ADMIN, null));
        // key-admin: revalidate only
        assertForbidden(gw.get("/v1/volumes/a/blocks/0", TestTokens.KEY_ADMIN));
        assertForbidden(gw.json(
                "POST",
                "/v1/volumes",
                TestTokens.KEY_ADMIN,
                new JsonObject().put("name", "c").put("sizeBytes", BS)));
        GatewayFixture.Response revalidated = gw.send("POST", "/v1/volumes/a/revalidate", TestTokens.KEY_ADMIN, null);
        assertEquals(200, revalidated.status(), new String(revalidated.body()));
        assertEquals("AVAILABLE", revalidated.json().getString("keyState"));
        // nothing was written to b by the refused requests
        assertArrayEquals(
                new byte[BS],
                gw.get("/v1/volumes/b/blocks/0", TestTokens.DATA_ALL).body());
    }

    @Test
    void healthAndMetrics() throws Exception {
        create("observed", 4L * BS, null);
        gw.send("PUT", "/v1/volumes/observed/blocks/0", TestTokens.DATA_ALL, random(BS, 6));
        gw.get("/v1/volumes/observed/blocks/0", TestTokens.DATA_ALL);

        JsonObject health = gw.get("/health", TestTokens.DATA_A).json();
        assertTrue(health.getString("status").equals("UP")
                || health.getString("status").equals("DEGRADED"));
        assertTrue(health.getJsonObject("aesNi").containsKey("intrinsicsOn"));
        assertTrue(health.getJsonArray("keys").size() >= 1);
        assertEquals("none", health.getJsonObject("storage").getString("durability"));
        assertTrue(
                health.getJsonObject("storage").getLong("cacheHits") >= 1, "the GET after the PUT hit the slot cache");
        assertTrue(health.getJsonObject("storage").getLong("cacheBytes") > 0);

        GatewayFixture.Response metrics = gw.get("/metrics", TestTokens.DATA_A);
        assertEquals(200, metrics.status());
        assertTrue(metrics.headers().firstValue("content-type").orElseThrow().startsWith("text/plain"));
        String text = new String(metrics.body());
        assertTrue(
                text.contains("strongroom_http_request_duration_seconds_bucket{method=\"GET\","
                        + "route=\"/v1/volumes/{name}/blocks/{n}\",status=\"200\",le=\"+Inf\"}"),
                text);
        assertTrue(
                text.contains("strongroom_http_request_duration_seconds_count{method=\"PUT\","
                        + "route=\"/v1/volumes/{name}/blocks/{n}\",status=\"204\"}"),
                text);
        assertTrue(text.contains("strongroom_dek_cache_hits_total "), text);
        assertTrue(text.contains("strongroom_store_cache_hits_total "), text);
        assertTrue(text.contains("strongroom_store_cache_bytes "), text);
        assertTrue(
                text.contains(
                        "strongroom_key_state{kek=\"https://embedded-vault.strongroom.invalid/keys/strongroom-service-key\""),
                text);
        assertTrue(text.contains("strongroom_aes_intrinsics "), text);
        assertTrue(text.contains("strongroom_http_response_bytes_total "), text);
        assertTrue(text.contains("strongroom_vault_call_duration_seconds_bucket{"), text);
        assertTrue(text.contains("\nstrongroom_activity_events_dropped_total 0\n"), text);
        assertTrue(text.contains("\nstrongroom_alerts_undelivered_total 0\n"), text);
        for (String line : text.split("\n")) {
            assertTrue(
                    line.startsWith("#") || line.matches("[a-z_]+(\\{.*})? (-?[0-9.e+-]+|NaN)"),
                    "bad exposition line: " + line);
        }
    }

    static void assertForbidden(GatewayFixture.Response r) {
        assertEquals(403, r.status(), new String(r.body()));
        assertEquals("Forbidden", r.errorCode());
    }
}
