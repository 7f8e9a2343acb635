package io.strongroom.server.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.strongroom.server.config.GatewayConfig;
import io.strongroom.vault.local.LocalVault;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key-access rule on the running gateway, wall clock, grace period 2 s, probes every 300 ms: disabling the
 * customer key in an external vault takes its volume dark over HTTP on time (without any request to it), a volume
 * under the service key keeps working, webhook alerts arrive at a real listener (the first delivery refused, so the
 * retry is exercised), and revalidation after re-enabling the key brings every block back.
 */
class KeyAccessEndToEndTest {
    private static final String VAULT_TOKEN = "key-access-e2e-vault-token-0123456789abcdef0123";
    private static final int BS = 8192;

    @TempDir
    Path dir;

    @Test
    void aDisabledKeyGoesDarkAfterTheGracePeriodAndComesBackOnRevalidation() throws Exception {
        Vertx side = Vertx.vertx();
        LocalVault vault = VaultOperator.startVault(side, dir.resolve("vault"), VAULT_TOKEN);
        BlockingQueue<JsonObject> alerts = new LinkedBlockingQueue<>();
        AtomicInteger deliveries = new AtomicInteger();
        HttpServer webhook = side.createHttpServer()
                .requestHandler(req -> req.body().onSuccess(body -> {
                    if (deliveries.incrementAndGet() == 1) {
                        req.response().setStatusCode(500).end(); // the first delivery fails: the sink must retry
                        return;
                    }
                    alerts.add(body.toJsonObject());
                    req.response().setStatusCode(204).end();
                }))
                .listen(0, "127.0.0.1")
                .await(30, TimeUnit.SECONDS);
        VaultOperator vaultOps = new VaultOperator(vault, VAULT_TOKEN);
        try {
            GatewayConfig config = vaultOps.prepareGateway(dir, VAULT_TOKEN);
            config.keyAccess()
                    .setGracePeriod(Duration.ofSeconds(2))
                    .setProbeInterval(Duration.ofMillis(300))
                    .addAlertWebhook("http://127.0.0.1:" + webhook.actualPort() + "/alerts");
            String kek = vaultOps.kek(VaultOperator.CUSTOMER_KEY);

            try (GatewayFixture gw = GatewayFixture.start(config, null, b -> {})) {
                assertEquals(
                        201,
                        gw.json(
                                        "POST",
                                        "/v1/volumes",
                                        TestTokens.ADMIN,
                                        new JsonObject()
                                                .put("name", "cust")
                                                .put("sizeBytes", 16L * BS)
                                                .put("kek", kek)
                                                .put("identity", "ops"))
                                .status());
                assertEquals(
                        201,
                        gw.json(
                                        "POST",
                                        "/v1/volumes",
                                        TestTokens.ADMIN,
                                        new JsonObject().put("name", "svc").put("sizeBytes", 16L * BS))
                                .status());
                byte[] run = BlockApiTest.random(4 * BS, 77);
                assertEquals(
                        204,
                        gw.send("PUT", "/v1/volumes/cust/blocks/0?count=4", TestTokens.DATA_ALL, run)
                                .status());
                byte[] svcBlock = BlockApiTest.random(BS, 78);
                assertEquals(
                        204,
                        gw.send("PUT", "/v1/volumes/svc/blocks/3", TestTokens.DATA_ALL, svcBlock)
                                .status());

                vaultOps.setEnabled(VaultOperator.CUSTOMER_KEY, false);
                long disabledAt = System.nanoTime();
                JsonObject degraded = nextAlert(alerts);
                long degradedAfterMillis = (System.nanoTime() - disabledAt) / 1_000_000;
                assertEquals("degraded", degraded.getString("alert"), degraded::encode);
                assertEquals("keyDisabled", degraded.getString("cause"));
                assertEquals(kek, degraded.getString("kek"));
                assertEquals(new JsonArray().add("cust"), degraded.getJsonArray("volumes"));
                assertNotNull(degraded.getString("inaccessibleAt"));
                assertArrayEquals(
                        run,
                        gw.get("/v1/volumes/cust/blocks/0?count=4", TestTokens.DATA_ALL)
                                .body(),
                        "served from the cached DEK during the grace period");

                JsonObject dark = nextAlert(alerts); // no request reaches the volume meanwhile: the tick does it
                assertEquals("inaccessible", dark.getString("alert"), dark::encode);
                long darkAfterMillis = (System.nanoTime() - disabledAt) / 1_000_000;
                assertTrue(darkAfterMillis >= 1_500, "dark after " + darkAfterMillis + " ms, before the grace ended");
                assertFalse(
                        Instant.parse(dark.getString("time"))
                                .isBefore(Instant.parse(degraded.getString("inaccessibleAt"))),
                        () -> "dark at " + dark.getString("time") + ", announced for "
                                + degraded.getString("inaccessibleAt"));
                System.out.printf(
                        "key-access e2e (grace 2 s, probe 300 ms): degraded alert after %d ms, inaccessible alert"
                                + " after %d ms from disabling the key%n",
                        degradedAfterMillis, darkAfterMillis);
                for (GatewayFixture.Response r : List.of(
                        gw.get("/v1/volumes/cust/blocks/0", TestTokens.DATA_ALL),
                        gw.send("PUT", "/v1/volumes/cust/blocks/5", TestTokens.DATA_ALL, BlockApiTest.random(BS, 1)),
                        gw.json(
                                "POST",
                                "/v1/volumes/cust/trim",
                                TestTokens.DATA_ALL,
                                new JsonObject().put("first", 0).put("count", 1)),
                        gw.send("POST", "/v1/volumes/cust/flush", TestTokens.DATA_ALL, new byte[0]))) {
                    assertEquals(503, r.status());
                    assertEquals("KeyInaccessible", r.errorCode());
                    String message = r.json().getJsonObject("error").getString("message");
                    assertTrue(message.contains("keyDisabled") && message.contains("inaccessible since"), message);
                }
                assertArrayEquals(
                        svcBlock,
                        gw.get("/v1/volumes/svc/blocks/3", TestTokens.DATA_ALL).body(),
                        "the volume under the service key is not affected");
                JsonObject darkVolume =
                        gw.get("/v1/volumes/cust", TestTokens.ADMIN).json();
                assertEquals("INACCESSIBLE", darkVolume.getString("keyState"));
                assertEquals("keyDisabled", darkVolume.getString("keyStateCause"), darkVolume::encode);
                JsonObject darkKey = gw.get("/health", TestTokens.ADMIN).json().getJsonArray("keys").stream()
                        .map(JsonObject.class::cast)
                        .filter(k -> kek.equals(k.getString("kek")))
                        .findFirst()
                        .orElseThrow();
                assertEquals("INACCESSIBLE", darkKey.getString("state"), darkKey::encode);
                assertEquals("keyDisabled", darkKey.getString("cause"), darkKey::encode);

                vaultOps.setEnabled(VaultOperator.CUSTOMER_KEY, true);
                GatewayFixture.Response revalidated =
                        gw.json("POST", "/v1/keys/revalidate", TestTokens.KEY_ADMIN, new JsonObject().put("kek", kek));
                assertEquals(200, revalidated.status(), new String(revalidated.body()));
                assertEquals(
                        "AVAILABLE",
                        revalidated.json().getJsonArray("keks").getJsonObject(0).getString("keyState"));
                assertEquals("recovered", nextAlert(alerts).getString("alert"));
                JsonObject recoveredKey = gw.get("/health", TestTokens.ADMIN).json().getJsonArray("keys").stream()
                        .map(JsonObject.class::cast)
                        .filter(k -> kek.equals(k.getString("kek")))
                        .findFirst()
                        .orElseThrow();
                assertEquals("AVAILABLE", recoveredKey.getString("state"), recoveredKey::encode);
                assertFalse(recoveredKey.containsKey("cause"), () -> "no stale cause: " + recoveredKey.encode());
                assertNull(
                        gw.get("/v1/volumes/cust", TestTokens.ADMIN).json().getString("keyStateCause"),
                        "no cause on a volume whose key is available");
                assertArrayEquals(
                        run,
                        gw.get("/v1/volumes/cust/blocks/0?count=4", TestTokens.DATA_ALL)
                                .body(),
                        "every block written before the outage reads back unchanged");
                assertTrue(deliveries.get() >= 4, "the refused first delivery was retried: " + deliveries.get());

                GatewayFixture.Response byVolume =
                        gw.send("POST", "/v1/volumes/cust/revalidate", TestTokens.KEY_ADMIN, new byte[0]);
                assertEquals(200, byVolume.status(), new String(byVolume.body()));
                assertEquals("AVAILABLE", byVolume.json().getString("keyState"));
                assertEquals(kek, byVolume.json().getString("kek"));
                assertEquals("cust", byVolume.json().getString("volume"));
                assertEquals(
                        "InvalidArgument",
                        gw.json("POST", "/v1/keys/revalidate", TestTokens.KEY_ADMIN, new JsonObject())
                                .errorCode());
                assertEquals(
                        "InvalidArgument",
                        gw.json(
                                        "POST",
                                        "/v1/keys/revalidate",
                                        TestTokens.KEY_ADMIN,
                                        new JsonObject().put("kek", vault.vaultUrl() + "/keys/unused"))
                                .errorCode());
                assertEquals(
                        "InvalidArgument",
                        gw.get("/v1/activity?limit=0", TestTokens.KEY_ADMIN).errorCode());

                GatewayFixture.Response activity = gw.get("/v1/activity?volume=cust&limit=200", TestTokens.KEY_ADMIN);
                assertEquals(200, activity.status());
                List<String> details = activity.json().getJsonArray("events").stream()
                        .map(e -> ((JsonObject) e).getString("detail", ""))
                        .toList();
                assertTrue(details.contains("DEGRADED -> INACCESSIBLE after grace period over"), details.toString());
                assertEquals(403, gw.get("/v1/activity", TestTokens.DATA_ALL).status(), "key-admin only");
                String log = Files.readString(dir.resolve("data").resolve("activity.log"));
                assertTrue(log.contains("\"type\":\"probe\"") && log.contains("\"cause\":\"keyDisabled\""), log);
                assertFalse(log.contains(VAULT_TOKEN), "no token in the activity log");
            }
        } finally {
            vault.close().await(30, TimeUnit.SECONDS);
            side.close().await(30, TimeUnit.SECONDS);
        }
    }

    private static JsonObject nextAlert(BlockingQueue<JsonObject> alerts) throws InterruptedException {
        JsonObject alert = alerts.poll(Await.DEFAULT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(alert, "no alert within " + Await.DEFAULT_TIMEOUT_SECONDS + " s");
        return alert;
    }
}
