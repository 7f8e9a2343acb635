package io.strongroom.vault.local;

import static io.strongroom.vault.local.VaultTestKit.ADMIN_TOKEN;
import static io.strongroom.vault.local.VaultTestKit.API;
import static io.strongroom.vault.local.VaultTestKit.READER_TOKEN;
import static io.strongroom.vault.local.VaultTestKit.errorCode;
import static io.strongroom.vault.local.VaultTestKit.innerCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime admin API for access policies, identities and network rules (docs/LOCAL-VAULT.md). */
class PolicyAdminApiTest {
    private static final String OPERATOR = "operator-admin-token-0123456789";
    private static final String NEW_TOKEN = "batch-job-token-abcdefghijklmnop";
    private static final JsonObject DEK = VaultTestKit.ZERO_DEK;

    @TempDir
    Path dir;

    Vertx vertx;
    VaultTestKit kit;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        kit = VaultTestKit.start(vertx, VaultTestKit.defaults(dir).setAdminToken(OPERATOR));
        kit.createKey("kek", 2048);
    }

    @AfterEach
    void stop() {
        kit.close();
        VaultTestKit.await(vertx.close());
    }

    private HttpResponse<Buffer> admin(HttpMethod method, String path, JsonObject body) {
        return kit.send(method, "/_admin/policy" + path, OPERATOR, body);
    }

    private HttpResponse<Buffer> wrap(String token) {
        return kit.post("/keys/kek/wrapkey?" + API, token, DEK);
    }

    private static JsonObject permissions(String... names) {
        return new JsonObject().put("keyPermissions", new JsonArray(java.util.List.of((Object[]) names)));
    }

    @Test
    void onlyTheAdminTokenOpensTheApi() {
        assertEquals(401, kit.get("/_admin/policy", null).statusCode());
        HttpResponse<Buffer> dataPlane = kit.get("/_admin/policy", ADMIN_TOKEN);
        assertEquals(401, dataPlane.statusCode(), "a data-plane identity, even with all key permissions");
        assertEquals("Unauthorized", errorCode(dataPlane));
        assertEquals(401, kit.get("/_admin/policy", OPERATOR + "x").statusCode());
        assertEquals(401, kit.get("/keys/kek?" + API, OPERATOR).statusCode(), "the admin token has no key rights");

        HttpResponse<Buffer> view = admin(HttpMethod.GET, "", null);
        assertEquals(200, view.statusCode());
        JsonArray identities = view.bodyAsJsonObject().getJsonArray("identities");
        assertEquals(2, identities.size());
        String text = view.bodyAsString();
        assertFalse(text.contains(ADMIN_TOKEN) || text.contains(READER_TOKEN) || text.contains("admin-secret"));
        assertTrue(text.contains("\"clientSecret\":true"), text);
    }

    @Test
    void withoutAnAdminTokenThereIsNoAdminApi() throws Exception {
        kit.close();
        kit = VaultTestKit.start(vertx, VaultTestKit.defaults(dir.resolve("plain")));
        assertEquals(404, kit.get("/_admin/policy", OPERATOR).statusCode());
        assertFalse(Files.exists(dir.resolve("plain/policy.json")));
    }

    @Test
    void setPolicyTakesEffectAtOnceAndSurvivesARestart() throws Exception {
        HttpResponse<Buffer> denied = wrap(READER_TOKEN);
        assertEquals(403, denied.statusCode());
        assertEquals("AccessDenied", innerCode(denied));

        HttpResponse<Buffer> set =
                admin(HttpMethod.PUT, "/identities/reader/keyPermissions", permissions("get", "list", "wrapKey"));
        assertEquals(200, set.statusCode(), set.bodyAsString());
        assertTrue(
                set.bodyAsString().contains("[\"get\",\"list\",\"wrapKey\"]"),
                "Azure's spelling: " + set.bodyAsString());
        assertEquals(200, wrap(READER_TOKEN).statusCode(), "no restart needed");

        Path file = dir.resolve("policy.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String stored = Files.readString(file);
        assertFalse(stored.contains(READER_TOKEN) || stored.contains(ADMIN_TOKEN) || stored.contains("admin-secret"));
        try (var names = Files.list(dir)) {
            assertTrue(names.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temp file left");
        }

        kit.options.addIdentity("config-added-token-000000000", new Identity("late", Set.of("all")));
        kit.restart();
        assertEquals(200, wrap(READER_TOKEN).statusCode(), "the change is persisted");
        assertEquals(
                401,
                kit.get("/keys/kek?" + API, "config-added-token-000000000").statusCode(),
                "once the policy file exists, the configuration's identities only seeded it");
    }

    @Test
    void identitiesAreAddedAndRemovedAtRuntime() {
        assertEquals(401, kit.get("/keys/kek?" + API, NEW_TOKEN).statusCode());
        HttpResponse<Buffer> added = admin(
                HttpMethod.PUT,
                "/identities/batch",
                permissions("get", "unwrapKey")
                        .put("tokens", new JsonArray().add(NEW_TOKEN))
                        .put("clientId", "batch-client")
                        .put("clientSecret", "batch-client-secret-0123456789"));
        assertEquals(200, added.statusCode(), added.bodyAsString());
        assertFalse(added.bodyAsString().contains(NEW_TOKEN));
        assertEquals(200, kit.get("/keys/kek?" + API, NEW_TOKEN).statusCode());
        assertEquals(403, wrap(NEW_TOKEN).statusCode());

        MultiMap form = MultiMap.caseInsensitiveMultiMap()
                .add("grant_type", "client_credentials")
                .add("client_id", "batch-client")
                .add("client_secret", "batch-client-secret-0123456789")
                .add("scope", "https://vault.azure.net/.default");
        HttpResponse<Buffer> issued = VaultTestKit.await(kit.client
                .postAbs(kit.url("/" + LocalVaultOptions.DEFAULT_TENANT_ID + "/oauth2/v2.0/token"))
                .sendForm(form));
        assertEquals(200, issued.statusCode(), issued.bodyAsString());
        String issuedToken = issued.bodyAsJsonObject().getString("access_token");
        assertEquals(200, kit.get("/keys/kek?" + API, issuedToken).statusCode());

        admin(HttpMethod.PUT, "/identities/batch/keyPermissions", permissions("list"));
        assertEquals(
                403,
                kit.get("/keys/kek?" + API, issuedToken).statusCode(),
                "an issued token follows its identity's permissions");

        assertEquals(204, admin(HttpMethod.DELETE, "/identities/batch", null).statusCode());
        assertEquals(401, kit.get("/keys/kek?" + API, NEW_TOKEN).statusCode());
        assertEquals(401, kit.get("/keys/kek?" + API, issuedToken).statusCode(), "issued tokens stop at once");
        assertEquals(404, admin(HttpMethod.DELETE, "/identities/batch", null).statusCode());
    }

    @Test
    void networkRulesChangeAtOnceAndNeverLockOutTheAdmin() throws Exception {
        HttpResponse<Buffer> closed = admin(
                HttpMethod.PUT,
                "/networkRules",
                new JsonObject().put("allowedCidrs", new JsonArray().add("10.0.0.0/8")));
        assertEquals(200, closed.statusCode(), closed.bodyAsString());
        HttpResponse<Buffer> refused = kit.get("/keys/kek?" + API, ADMIN_TOKEN);
        assertEquals(403, refused.statusCode());
        assertEquals("ForbiddenByFirewall", innerCode(refused));

        kit.restart();
        assertEquals(403, kit.get("/keys/kek?" + API, ADMIN_TOKEN).statusCode(), "persisted");
        HttpResponse<Buffer> bad = admin(
                HttpMethod.PUT,
                "/networkRules",
                new JsonObject().put("allowedCidrs", new JsonArray().add("10.0.0.0/99")));
        assertEquals(400, bad.statusCode());
        assertEquals("BadParameter", errorCode(bad));
        HttpResponse<Buffer> opened = admin(
                HttpMethod.PUT,
                "/networkRules",
                new JsonObject().put("allowedCidrs", new JsonArray().add("127.0.0.0/8")));
        assertEquals(200, opened.statusCode());
        assertEquals(200, kit.get("/keys/kek?" + API, ADMIN_TOKEN).statusCode());
    }

    @Test
    void badChangesAreRefusedAndChangeNothing() throws Exception {
        String before = Files.readString(dir.resolve("policy.json"));
        assertBad(400, admin(HttpMethod.PUT, "/identities/reader/keyPermissions", permissions("get", "fly")));
        assertBad(
                400,
                admin(HttpMethod.PUT, "/identities/x", permissions("get").put("tokens", new JsonArray().add("short"))));
        assertBad(400, admin(HttpMethod.PUT, "/identities/x", permissions("get").put("clientSecret", "short")));
        assertBad(400, admin(HttpMethod.PUT, "/identities/bad!name", permissions("get")));
        assertBad(400, admin(HttpMethod.PUT, "/identities/x", new JsonObject().put("keyPermissions", "get")));
        assertBad(404, admin(HttpMethod.PUT, "/identities/nobody/keyPermissions", permissions("get")));
        assertBad(405, admin(HttpMethod.POST, "/networkRules", new JsonObject()));
        admin(HttpMethod.PUT, "/identities/first", permissions("get").put("tokens", new JsonArray().add(NEW_TOKEN)));
        String withFirst = Files.readString(dir.resolve("policy.json"));
        HttpResponse<Buffer> taken = admin(
                HttpMethod.PUT, "/identities/second", permissions("all").put("tokens", new JsonArray().add(NEW_TOKEN)));
        assertBad(409, taken);
        assertFalse(taken.bodyAsString().contains(NEW_TOKEN));
        assertEquals(withFirst, Files.readString(dir.resolve("policy.json")));
        assertEquals(403, wrap(NEW_TOKEN).statusCode(), "the token still stands for the first identity only");
        assertFalse(before.equals(withFirst));
    }

    private static void assertBad(int status, HttpResponse<Buffer> r) {
        assertEquals(status, r.statusCode(), r.bodyAsString());
        assertNotNull(errorCode(r));
    }

    @Test
    void changesAreAuditedWithoutSecrets() {
        admin(HttpMethod.PUT, "/identities/reader/keyPermissions", permissions("get"));
        admin(HttpMethod.PUT, "/identities/batch", permissions("get").put("tokens", new JsonArray().add(NEW_TOKEN)));
        kit.get("/_admin/policy", "wrong-token");
        Path audit = dir.resolve("audit.log");
        Awaitility.await()
                .atMost(30, TimeUnit.SECONDS)
                .until(() -> Files.exists(audit) && Files.readString(audit).contains("policy.setIdentity"));
        String text = readQuietly(audit);
        assertTrue(
                text.contains("\"identity\":\"admin\",") && text.contains("\"operation\":\"policy.setPermissions\""),
                text);
        assertTrue(text.contains("\"key\":\"reader\""), text);
        assertFalse(text.contains(NEW_TOKEN) || text.contains(OPERATOR) || text.contains("wrong-token"));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
