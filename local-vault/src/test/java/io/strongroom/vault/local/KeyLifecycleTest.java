package io.strongroom.vault.local;

import static io.strongroom.vault.local.VaultTestKit.ADMIN_TOKEN;
import static io.strongroom.vault.local.VaultTestKit.API;
import static io.strongroom.vault.local.VaultTestKit.errorCode;
import static io.strongroom.vault.local.VaultTestKit.innerCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyLifecycleTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final JsonObject DEK = VaultTestKit.ZERO_DEK;

    @TempDir
    Path dir;

    Vertx vertx;
    MutableClock clock;
    VaultTestKit kit;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        clock = new MutableClock(T0);
        kit = VaultTestKit.start(vertx, VaultTestKit.defaults(dir).setClock(clock));
    }

    @AfterEach
    void stop() {
        kit.close();
        VaultTestKit.await(vertx.close());
    }

    private HttpResponse<Buffer> patch(String path, JsonObject body) {
        return kit.send(HttpMethod.PATCH, path + "?" + API, ADMIN_TOKEN, body);
    }

    private HttpResponse<Buffer> wrap(String name) {
        return kit.post("/keys/" + name + "/wrapkey?" + API, ADMIN_TOKEN, DEK);
    }

    /** Follows nextLink until it is null; returns every kid seen. */
    private List<String> listAll(String firstPath) {
        List<String> kids = new ArrayList<>();
        String url = kit.url(firstPath);
        int pages = 0;
        while (url != null) {
            HttpResponse<Buffer> r = VaultTestKit.await(kit.client
                    .getAbs(url)
                    .putHeader("Authorization", "Bearer " + ADMIN_TOKEN)
                    .send());
            assertEquals(200, r.statusCode(), r.bodyAsString());
            JsonObject page = r.bodyAsJsonObject();
            page.getJsonArray("value").forEach(o -> kids.add(((JsonObject) o).getString("kid")));
            url = page.getString("nextLink");
            assertTrue(++pages < 20, "paging does not end");
        }
        return kids;
    }

    @Test
    void listKeysPagesThroughNextLink() {
        for (String n : List.of("a1", "a2", "a3", "a4", "a5")) {
            kit.createKey(n, 2048);
        }
        HttpResponse<Buffer> first = kit.get("/keys?maxresults=2&" + API, ADMIN_TOKEN);
        JsonObject page = first.bodyAsJsonObject();
        assertEquals(2, page.getJsonArray("value").size());
        assertTrue(page.getString("nextLink").startsWith(kit.vault.vaultUrl() + "/keys?api-version=7.4&$skiptoken="));
        JsonObject item = page.getJsonArray("value").getJsonObject(0);
        assertEquals(kit.vault.vaultUrl() + "/keys/a1", item.getString("kid"), "list items carry versionless kids");
        assertTrue(item.getJsonObject("attributes").getBoolean("enabled"));
        List<String> all = listAll("/keys?maxresults=2&" + API);
        assertEquals(5, all.size());
        assertEquals(kit.vault.vaultUrl() + "/keys/a5", all.get(4));
        assertEquals(400, kit.get("/keys?maxresults=26&" + API, ADMIN_TOKEN).statusCode());
    }

    @Test
    void rotateAddsVersionsAndGetFindsEachOne() {
        String v1 = kit.createKey("rot", 2048).getJsonObject("key").getString("kid");
        HttpResponse<Buffer> rotated = kit.post("/keys/rot/rotate?" + API, ADMIN_TOKEN, null);
        assertEquals(200, rotated.statusCode(), rotated.bodyAsString());
        String v2 = rotated.bodyAsJsonObject().getJsonObject("key").getString("kid");
        assertNotEquals(v1, v2);
        assertEquals(
                v2,
                kit.get("/keys/rot?" + API, ADMIN_TOKEN)
                        .bodyAsJsonObject()
                        .getJsonObject("key")
                        .getString("kid"));
        assertEquals(
                v2,
                kit.get("/keys/rot/?" + API, ADMIN_TOKEN)
                        .bodyAsJsonObject()
                        .getJsonObject("key")
                        .getString("kid"));
        String v1Path = v1.substring(kit.vault.vaultUrl().length());
        assertEquals(
                v1,
                kit.get(v1Path + "?" + API, ADMIN_TOKEN)
                        .bodyAsJsonObject()
                        .getJsonObject("key")
                        .getString("kid"));
        kit.post("/keys/rot/create?" + API, ADMIN_TOKEN, new JsonObject().put("kty", "RSA"));
        assertEquals(
                3,
                listAll("/keys/rot/versions?maxresults=1&" + API).size(),
                "create on an existing name adds a version");
        assertEquals(
                List.of(v1, v2),
                listAll("/keys/rot/versions?maxresults=1&" + API).subList(0, 2));
        HttpResponse<Buffer> unknownVersion = kit.get("/keys/rot/0123456789abcdef0123456789abcdef?" + API, ADMIN_TOKEN);
        assertEquals(404, unknownVersion.statusCode());
        assertEquals("KeyNotFound", errorCode(unknownVersion));
    }

    @Test
    void disabledKeyRefusesWrapAndUnwrapButCanBeRead() {
        kit.createKey("dis", 2048);
        String wrapped = wrap("dis").bodyAsJsonObject().getString("value");
        clock.advance(Duration.ofSeconds(5));
        HttpResponse<Buffer> upd =
                patch("/keys/dis", new JsonObject().put("attributes", new JsonObject().put("enabled", false)));
        assertEquals(200, upd.statusCode(), upd.bodyAsString());
        JsonObject attrs = upd.bodyAsJsonObject().getJsonObject("attributes");
        assertFalse(attrs.getBoolean("enabled"));
        assertEquals(T0.getEpochSecond() + 5, attrs.getLong("updated"));
        assertEquals(T0.getEpochSecond(), attrs.getLong("created"));
        HttpResponse<Buffer> w = wrap("dis");
        assertEquals(403, w.statusCode());
        assertEquals("Forbidden", errorCode(w));
        assertEquals("KeyDisabled", innerCode(w));
        HttpResponse<Buffer> u = kit.post(
                "/keys/dis/unwrapkey?" + API,
                ADMIN_TOKEN,
                new JsonObject().put("alg", "RSA-OAEP-256").put("value", wrapped));
        assertEquals(403, u.statusCode());
        assertEquals("KeyDisabled", innerCode(u));
        assertFalse(kit.get("/keys/dis?" + API, ADMIN_TOKEN)
                .bodyAsJsonObject()
                .getJsonObject("attributes")
                .getBoolean("enabled"));
        patch("/keys/dis", new JsonObject().put("attributes", new JsonObject().put("enabled", true)));
        assertEquals(
                200,
                kit.post(
                                "/keys/dis/unwrapkey?" + API,
                                ADMIN_TOKEN,
                                new JsonObject().put("alg", "RSA-OAEP-256").put("value", wrapped))
                        .statusCode());
    }

    @Test
    void outsideItsWindowAKeyRefusesWrapButStillUnwraps() {
        long now = T0.getEpochSecond();
        kit.post(
                "/keys/window/create?" + API,
                ADMIN_TOKEN,
                new JsonObject()
                        .put("kty", "RSA")
                        .put("attributes", new JsonObject().put("nbf", now + 60).put("exp", now + 120)));
        HttpResponse<Buffer> early = wrap("window");
        assertEquals(403, early.statusCode());
        assertEquals("Forbidden", errorCode(early));
        assertEquals("KeyNotYetValid", innerCode(early));
        clock.advance(Duration.ofSeconds(60));
        HttpResponse<Buffer> inside = wrap("window");
        assertEquals(200, inside.statusCode());
        String wrapped = inside.bodyAsJsonObject().getString("value");
        clock.advance(Duration.ofSeconds(60));
        HttpResponse<Buffer> late = wrap("window");
        assertEquals(403, late.statusCode());
        assertEquals("KeyExpired", innerCode(late));
        assertEquals(DEK.getString("value"), unwrap("window", wrapped), "an expired key still unwraps, as in Azure");

        patch("/keys/window", new JsonObject().put("attributes", new JsonObject().put("nbf", now + 3600)));
        assertEquals("KeyNotYetValid", innerCode(wrap("window")));
        assertEquals(DEK.getString("value"), unwrap("window", wrapped), "a not-yet-active key still unwraps");

        HttpResponse<Buffer> cleared = patch(
                "/keys/window",
                new JsonObject()
                        .put("attributes", new JsonObject().putNull("exp").putNull("nbf")));
        assertNull(cleared.bodyAsJsonObject().getJsonObject("attributes").getLong("exp"));
        assertEquals(200, wrap("window").statusCode());
    }

    private String unwrap(String name, String wrapped) {
        HttpResponse<Buffer> r = kit.post(
                "/keys/" + name + "/unwrapkey?" + API,
                ADMIN_TOKEN,
                new JsonObject().put("alg", "RSA-OAEP-256").put("value", wrapped));
        assertEquals(200, r.statusCode(), r.bodyAsString());
        return r.bodyAsJsonObject().getString("value");
    }

    @Test
    void anUpdateWithAnEmptyOperationListLeavesTheOperations() {
        kit.post(
                "/keys/keepops/create?" + API,
                ADMIN_TOKEN,
                new JsonObject()
                        .put("kty", "RSA")
                        .put("key_ops", new JsonArray().add("wrapKey").add("unwrapKey")));
        HttpResponse<Buffer> upd = patch(
                "/keys/keepops",
                new JsonObject()
                        .put("key_ops", new JsonArray())
                        .put("attributes", new JsonObject().put("enabled", true))
                        .put("tags", new JsonObject().put("owner", "ops")));
        assertEquals(200, upd.statusCode(), upd.bodyAsString());
        assertEquals(
                new JsonArray().add("wrapKey").add("unwrapKey"),
                upd.bodyAsJsonObject().getJsonObject("key").getJsonArray("key_ops"));
        assertEquals("ops", upd.bodyAsJsonObject().getJsonObject("tags").getString("owner"));
        assertEquals(200, wrap("keepops").statusCode());
    }

    @Test
    void keyOpsLimitWhatTheKeyMayDo() {
        kit.post(
                "/keys/ops/create?" + API,
                ADMIN_TOKEN,
                new JsonObject().put("kty", "RSA").put("key_ops", new JsonArray().add("unwrapKey")));
        HttpResponse<Buffer> w = wrap("ops");
        assertEquals(403, w.statusCode());
        assertEquals("KeyOperationForbidden", innerCode(w));
        HttpResponse<Buffer> upd = patch(
                "/keys/ops",
                new JsonObject().put("key_ops", new JsonArray().add("wrapKey").add("unwrapKey")));
        assertEquals(
                new JsonArray().add("wrapKey").add("unwrapKey"),
                upd.bodyAsJsonObject().getJsonObject("key").getJsonArray("key_ops"));
        assertEquals(200, wrap("ops").statusCode());
        HttpResponse<Buffer> bad = kit.post(
                "/keys/ops2/create?" + API,
                ADMIN_TOKEN,
                new JsonObject().put("kty", "RSA").put("key_size", 1024));
        assertEquals(400, bad.statusCode());
        assertEquals("BadParameter", errorCode(bad));
        assertEquals(
                400,
                kit.post("/keys/ops3/create?" + API, ADMIN_TOKEN, new JsonObject().put("kty", "EC"))
                        .statusCode());
        assertEquals(
                400,
                kit.post("/keys/bad_name/create?" + API, ADMIN_TOKEN, new JsonObject().put("kty", "RSA"))
                        .statusCode());
    }

    @Test
    void softDeleteRecoverAndPurgeProtection() {
        String kid = kit.createKey("gone", 2048).getJsonObject("key").getString("kid");
        HttpResponse<Buffer> del = kit.send(HttpMethod.DELETE, "/keys/gone?" + API, ADMIN_TOKEN, null);
        assertEquals(200, del.statusCode(), del.bodyAsString());
        JsonObject deleted = del.bodyAsJsonObject();
        assertEquals(kit.vault.vaultUrl() + "/deletedkeys/gone", deleted.getString("recoveryId"));
        assertEquals(T0.getEpochSecond(), deleted.getLong("deletedDate"));
        assertEquals(T0.plus(Duration.ofDays(90)).getEpochSecond(), deleted.getLong("scheduledPurgeDate"));
        assertEquals(kid, deleted.getJsonObject("key").getString("kid"));

        assertEquals("KeyNotFound", errorCode(kit.get("/keys/gone?" + API, ADMIN_TOKEN)));
        assertEquals(404, wrap("gone").statusCode());
        assertEquals(200, kit.get("/deletedkeys/gone?" + API, ADMIN_TOKEN).statusCode());
        JsonArray listed =
                kit.get("/deletedkeys?" + API, ADMIN_TOKEN).bodyAsJsonObject().getJsonArray("value");
        assertEquals(1, listed.size());
        assertEquals(
                kit.vault.vaultUrl() + "/keys/gone", listed.getJsonObject(0).getString("kid"));
        HttpResponse<Buffer> reuse =
                kit.post("/keys/gone/create?" + API, ADMIN_TOKEN, new JsonObject().put("kty", "RSA"));
        assertEquals(409, reuse.statusCode());
        assertEquals("ObjectIsDeletedButRecoverable", innerCode(reuse));

        HttpResponse<Buffer> purge = kit.send(HttpMethod.DELETE, "/deletedkeys/gone?" + API, ADMIN_TOKEN, null);
        assertEquals(403, purge.statusCode());
        assertEquals("PurgeProtectionEnabled", innerCode(purge));

        HttpResponse<Buffer> recovered = kit.post("/deletedkeys/gone/recover?" + API, ADMIN_TOKEN, null);
        assertEquals(200, recovered.statusCode());
        assertEquals(kid, recovered.bodyAsJsonObject().getJsonObject("key").getString("kid"));
        assertEquals(200, wrap("gone").statusCode());
        assertEquals(404, kit.get("/deletedkeys/gone?" + API, ADMIN_TOKEN).statusCode());

        kit.send(HttpMethod.DELETE, "/keys/gone?" + API, ADMIN_TOKEN, null);
        clock.advance(Duration.ofDays(90).minusSeconds(1));
        assertEquals(200, kit.get("/deletedkeys/gone?" + API, ADMIN_TOKEN).statusCode());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(404, kit.get("/deletedkeys/gone?" + API, ADMIN_TOKEN).statusCode(), "purged after retention");
        HttpResponse<Buffer> fresh =
                kit.post("/keys/gone/create?" + API, ADMIN_TOKEN, new JsonObject().put("kty", "RSA"));
        assertEquals(200, fresh.statusCode(), "the name is free again");
        assertNotEquals(kid, fresh.bodyAsJsonObject().getJsonObject("key").getString("kid"));
    }

    @Test
    void withoutPurgeProtectionPurgeIsImmediate() {
        kit.close();
        kit = VaultTestKit.start(
                vertx,
                VaultTestKit.defaults(dir.resolve("other"))
                        .setClock(clock)
                        .setPurgeProtection(false)
                        .setSoftDeleteRetentionDays(7));
        JsonObject bundle = kit.createKey("p", 2048);
        assertEquals(
                "CustomizedRecoverable+Purgeable",
                bundle.getJsonObject("attributes").getString("recoveryLevel"));
        assertEquals(7, bundle.getJsonObject("attributes").getInteger("recoverableDays"));
        kit.send(HttpMethod.DELETE, "/keys/p?" + API, ADMIN_TOKEN, null);
        assertEquals(
                204,
                kit.send(HttpMethod.DELETE, "/deletedkeys/p?" + API, ADMIN_TOKEN, null)
                        .statusCode());
        assertEquals(404, kit.get("/deletedkeys/p?" + API, ADMIN_TOKEN).statusCode());
        assertEquals(
                200,
                kit.post("/keys/p/create?" + API, ADMIN_TOKEN, new JsonObject().put("kty", "RSA"))
                        .statusCode());
    }
}
