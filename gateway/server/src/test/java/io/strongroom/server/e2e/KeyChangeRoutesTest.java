package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key-admin routes for KEK changes and DEK rollover on the running server (embedded vault). */
class KeyChangeRoutesTest {
    @TempDir
    Path dir;

    @Test
    void kekChangeAndRolloverOverHttp() throws Exception {
        TestTokens.write(dir);
        try (GatewayFixture gw = GatewayFixture.start(dir)) {
            JsonObject created = gw.json(
                            "POST",
                            "/v1/volumes",
                            TestTokens.VOLUME_ADMIN,
                            new JsonObject().put("name", "k").put("sizeBytes", 64L * 8192))
                    .json();
            byte[] block = new byte[8192];
            block[0] = 42;
            assertEquals(
                    204,
                    gw.send(
                                    "PUT",
                                    "/v1/volumes/k/blocks/3",
                                    TestTokens.DATA_ALL,
                                    block,
                                    "Content-Type",
                                    "application/octet-stream")
                            .status());

            // Role: only key-admin (and admin) may change keys.
            assertEquals(
                    403,
                    gw.json("PUT", "/v1/volumes/k/kek", TestTokens.VOLUME_ADMIN, new JsonObject().put("kek", "service"))
                            .status());
            assertEquals(
                    403,
                    gw.send("POST", "/v1/volumes/k/rollover", TestTokens.DATA_ALL, new byte[0])
                            .status());

            // Bad bodies and keys are 400 with a stable code.
            GatewayFixture.Response noKek = gw.json("PUT", "/v1/volumes/k/kek", TestTokens.KEY_ADMIN, new JsonObject());
            assertEquals(400, noKek.status());
            assertEquals("InvalidArgument", noKek.errorCode());
            assertEquals(
                    "InvalidArgument",
                    gw.json(
                                    "PUT",
                                    "/v1/volumes/k/kek",
                                    TestTokens.KEY_ADMIN,
                                    new JsonObject().put("kek", "service").put("colour", "red"))
                            .errorCode());
            assertEquals(
                    "InvalidArgument",
                    gw.json(
                                    "PUT",
                                    "/v1/volumes/k/kek",
                                    TestTokens.KEY_ADMIN,
                                    new JsonObject().put("kek", "https://elsewhere.example/keys/k"))
                            .errorCode());
            assertEquals(
                    405,
                    gw.send("GET", "/v1/volumes/k/kek", TestTokens.KEY_ADMIN, null)
                            .status());

            GatewayFixture.Response changed = gw.json(
                    "PUT",
                    "/v1/volumes/k/kek",
                    TestTokens.KEY_ADMIN,
                    new JsonObject().put("kek", "service").put("autoFollow", true));
            assertEquals(200, changed.status(), new String(changed.body()));
            assertEquals(true, changed.json().getBoolean("autoFollow"));
            assertEquals(
                    created.getString("kek"), changed.json().getString("kek"), "the service key's current version");

            GatewayFixture.Response rolled =
                    gw.send("POST", "/v1/volumes/k/rollover", TestTokens.KEY_ADMIN, new byte[0]);
            assertEquals(202, rolled.status(), new String(rolled.body()));
            assertEquals(2, rolled.json().getJsonArray("dekIds").size());
            JsonObject[] last = new JsonObject[1];
            await("the re-seal finishing")
                    .atMost(Await.DEFAULT_TIMEOUT)
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> (last[0] = gw.get("/v1/volumes/k", TestTokens.VOLUME_ADMIN)
                                            .json())
                                    .getValue("rollover")
                            == null);
            JsonObject volume = last[0];
            assertEquals(1, volume.getJsonArray("dekIds").size());
            assertNotEquals(created.getJsonArray("dekIds"), volume.getJsonArray("dekIds"));
            assertArrayEquals(
                    block, gw.get("/v1/volumes/k/blocks/3", TestTokens.DATA_ALL).body());
            JsonObject activity =
                    gw.get("/v1/activity?volume=k", TestTokens.KEY_ADMIN).json();
            assertTrue(
                    activity.encode().contains("\"rollover\"")
                            && activity.encode().contains("\"rotation\""),
                    activity.encode());
            assertEquals(
                    404,
                    gw.send("POST", "/v1/volumes/nope/rollover", TestTokens.KEY_ADMIN, new byte[0])
                            .status());
        }
    }
}
