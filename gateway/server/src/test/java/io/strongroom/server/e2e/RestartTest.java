package io.strongroom.server.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** First start generates credentials; data and tokens survive a graceful restart. */
class RestartTest {
    @TempDir
    Path dir;

    @Test
    void generatedCredentialsAndDataSurviveARestart() throws Exception {
        byte[] run = BlockApiTest.random(4 * 8192, 31);
        String admin;
        String kek;
        try (GatewayFixture gw = GatewayFixture.start(dir)) {
            admin = gw.gateway.adminToken();
            assertNotNull(admin);
            Path credentials = gw.gateway.credentialsFile();
            assertEquals(dir.resolve("credentials.json"), credentials);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));
            assertFalse(Files.readString(dir.resolve("tokens.json")).contains(admin), "tokens.json holds hashes only");
            String dataToken = new JsonObject(Files.readString(credentials))
                    .getJsonObject("data")
                    .getString("token");

            GatewayFixture.Response created = gw.json(
                    "POST",
                    "/v1/volumes",
                    admin,
                    new JsonObject().put("name", "persist").put("sizeBytes", 64L * 8192));
            assertEquals(201, created.status());
            kek = created.json().getString("kek");
            assertEquals(
                    204,
                    gw.send("PUT", "/v1/volumes/persist/blocks/60?count=4", dataToken, run)
                            .status());
            assertEquals(
                    403,
                    gw.json(
                                    "POST",
                                    "/v1/volumes",
                                    dataToken,
                                    new JsonObject().put("name", "x").put("sizeBytes", 8192))
                            .status());
        }
        try (GatewayFixture gw = GatewayFixture.start(dir)) {
            assertEquals(admin, gw.gateway.adminToken(), "no new credentials on a restart");
            assertArrayEquals(
                    run, gw.get("/v1/volumes/persist/blocks/60?count=4", admin).body());
            JsonObject info = gw.get("/v1/volumes/persist", admin).json();
            assertEquals(kek, info.getString("kek"), "the embedded vault keeps its identity across restarts");
            assertEquals("AVAILABLE", info.getString("keyState"));
            assertTrue(info.getJsonObject("counters").getLong("dekInvocations") >= 4);
        }
    }

    @Test
    void gracefulCloseLetsARequestInProgressFinish() throws Exception {
        TestTokens.write(dir);
        GatewayFixture gw = GatewayFixture.start(dir);
        byte[] block = BlockApiTest.random(8192, 32);
        try {
            assertEquals(
                    201,
                    gw.json(
                                    "POST",
                                    "/v1/volumes",
                                    TestTokens.ADMIN,
                                    new JsonObject().put("name", "g").put("sizeBytes", 8L * 8192))
                            .status());
            try (LimitsTest.RawRequest inProgress =
                    new LimitsTest.RawRequest(gw, "PUT", "/v1/volumes/g/blocks/3", TestTokens.DATA_ALL, 8192)) {
                inProgress.send(Arrays.copyOf(block, 1000));
                LimitsTest.awaitInFlight(gw, 1);
                Future<Void> closing = gw.gateway.close();
                // The thing under test is an absence (close must not finish while the request is open): a window
                // to watch for it, not a synchronisation.
                Thread.sleep(300);
                assertFalse(closing.isComplete(), "close waits for the request in progress");
                inProgress.send(Arrays.copyOfRange(block, 1000, 8192));
                assertTrue(inProgress.response().startsWith("HTTP/1.1 204"));
                Await.result(closing);
            }
        } finally {
            gw.close();
        }
        try (GatewayFixture again = GatewayFixture.start(dir)) {
            assertArrayEquals(
                    block,
                    again.get("/v1/volumes/g/blocks/3", TestTokens.DATA_ALL).body(),
                    "the write finished during shutdown is durable");
        }
    }
}
