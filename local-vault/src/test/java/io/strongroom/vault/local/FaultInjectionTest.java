package io.strongroom.vault.local;

import static io.strongroom.vault.local.VaultTestKit.ADMIN_TOKEN;
import static io.strongroom.vault.local.VaultTestKit.API;
import static io.strongroom.vault.local.VaultTestKit.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultInjectionTest {
    @TempDir
    Path dir;

    Vertx vertx;
    VaultTestKit kit;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        kit = VaultTestKit.start(
                vertx, VaultTestKit.defaults(dir).setFaultInjection(true).setRegion("westeurope"));
        kit.createKey("kek", 2048);
    }

    @AfterEach
    void stop() {
        kit.close();
        VaultTestKit.await(vertx.close());
    }

    private JsonObject plan(JsonObject plan) {
        HttpResponse<Buffer> r = kit.send(HttpMethod.PUT, "/_admin/faults", null, plan);
        assertEquals(200, r.statusCode(), r.bodyAsString());
        return r.bodyAsJsonObject();
    }

    @Test
    void throttlingWithRetryAfterForTheNextCallsOnly() {
        plan(new JsonObject()
                .put(
                        "errors",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("status", 429)
                                        .put("retryAfterSeconds", 3)
                                        .put("count", 2)
                                        .put("operations", new JsonArray().add("get")))));
        for (int i = 0; i < 2; i++) {
            HttpResponse<Buffer> r = kit.get("/keys/kek?" + API, ADMIN_TOKEN);
            assertEquals(429, r.statusCode());
            assertEquals("3", r.getHeader("Retry-After"));
            assertEquals("Throttled", errorCode(r));
            assertEquals("westeurope", r.getHeader("x-ms-keyvault-region"));
        }
        assertEquals(200, kit.get("/keys/kek?" + API, ADMIN_TOKEN).statusCode());
        JsonObject status = kit.get("/_admin/faults", null).bodyAsJsonObject();
        assertEquals("westeurope", status.getString("region"));
        assertEquals(2L, status.getJsonObject("injected").getLong("errors"));
    }

    @Test
    void errorRuleOnlyHitsItsOperations() {
        plan(new JsonObject()
                .put(
                        "errors",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("status", 503)
                                        .put("operations", new JsonArray().add("unwrapKey")))));
        HttpResponse<Buffer> wrapped = kit.post(
                "/keys/kek/wrapkey?" + API,
                ADMIN_TOKEN,
                new JsonObject().put("alg", "RSA-OAEP-256").put("value", "AAAA"));
        assertEquals(200, wrapped.statusCode());
        HttpResponse<Buffer> r = kit.post(
                "/keys/kek/unwrapkey?" + API,
                ADMIN_TOKEN,
                new JsonObject()
                        .put("alg", "RSA-OAEP-256")
                        .put("value", wrapped.bodyAsJsonObject().getString("value")));
        assertEquals(503, r.statusCode());
        assertEquals("ServiceUnavailable", errorCode(r));
    }

    @Test
    void addedLatencyDelaysAnswers() {
        plan(new JsonObject()
                .put("latency", new JsonObject().put("distribution", "fixed").put("ms", 250)));
        long start = System.nanoTime();
        assertEquals(200, kit.get("/keys/kek?" + API, ADMIN_TOKEN).statusCode());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(millis >= 250, "took " + millis + " ms");
        plan(new JsonObject()
                .put(
                        "latency",
                        new JsonObject()
                                .put("distribution", "uniform")
                                .put("minMs", 100)
                                .put("maxMs", 150)));
        start = System.nanoTime();
        assertEquals(200, kit.get("/keys/kek?" + API, ADMIN_TOKEN).statusCode());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) >= 100);
        assertEquals(
                400,
                kit.send(
                                HttpMethod.PUT,
                                "/_admin/faults",
                                null,
                                new JsonObject().put("latency", new JsonObject().put("distribution", "zipf")))
                        .statusCode());
    }

    @Test
    void blackholeNeverAnswersUntilReset() throws Exception {
        plan(new JsonObject().put("blackholeRate", 1.0));
        ExecutionException timedOut = assertThrows(
                ExecutionException.class,
                () -> kit.request(HttpMethod.GET, "/keys/kek?" + API, ADMIN_TOKEN)
                        .timeout(400)
                        .send()
                        .toCompletionStage()
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS));
        assertTrue(
                timedOut.getCause().getMessage().toLowerCase().contains("timeout"),
                timedOut.getCause().toString());
        assertEquals(
                200, kit.send(HttpMethod.DELETE, "/_admin/faults", null, null).statusCode());
        assertEquals(200, kit.get("/keys/kek?" + API, ADMIN_TOKEN).statusCode());
    }

    @Test
    void adminApiIsAbsentUnlessSwitchedOn() {
        try (VaultTestKit plain = VaultTestKit.start(vertx, VaultTestKit.defaults(dir.resolve("plain")))) {
            assertEquals(404, plain.get("/_admin/faults", null).statusCode());
            assertEquals(
                    404,
                    plain.send(HttpMethod.PUT, "/_admin/faults", null, new JsonObject().put("blackholeRate", 1.0))
                            .statusCode());
        }
    }
}
