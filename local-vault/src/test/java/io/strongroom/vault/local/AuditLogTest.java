package io.strongroom.vault.local;

import static io.strongroom.vault.local.VaultTestKit.ADMIN_TOKEN;
import static io.strongroom.vault.local.VaultTestKit.API;
import static io.strongroom.vault.local.VaultTestKit.READER_TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    @TempDir
    Path dir;

    @Test
    void oneJsonLinePerOperationWithoutSecrets() throws Exception {
        Vertx vertx = Vertx.vertx();
        VaultTestKit kit = VaultTestKit.start(vertx, VaultTestKit.defaults(dir));
        String kid = kit.createKey("audited", 2048).getJsonObject("key").getString("kid");
        String version = kid.substring(kid.lastIndexOf('/') + 1);
        String dekB64 = "c2VjcmV0LWRlay1ieXRlcy10aGF0LW11c3Qtbm90LWxlYWs";
        String wrapped = kit.post(
                        "/keys/audited/wrapkey?" + API,
                        ADMIN_TOKEN,
                        new JsonObject().put("alg", "RSA-OAEP-256").put("value", dekB64))
                .bodyAsJsonObject()
                .getString("value");
        kit.post(
                "/keys/audited/unwrapkey?" + API,
                ADMIN_TOKEN,
                new JsonObject().put("alg", "RSA-OAEP-256").put("value", wrapped));
        kit.post(
                "/keys/audited/wrapkey?" + API,
                READER_TOKEN,
                new JsonObject().put("alg", "RSA-OAEP-256").put("value", dekB64));
        kit.get("/keys/audited?" + API, null);
        kit.close();
        VaultTestKit.await(vertx.close());

        String text = Files.readString(dir.resolve("audit.log"));
        List<JsonObject> lines = text.lines().map(JsonObject::new).collect(Collectors.toList());
        assertEquals(5, lines.size(), text);
        JsonObject create = lines.get(0);
        assertEquals("create", create.getString("operation"));
        assertEquals("admin", create.getString("identity"));
        assertEquals("audited", create.getString("key"));
        assertEquals(version, create.getString("version"));
        assertEquals(200, create.getInteger("status"));
        assertEquals("OK", create.getString("code"));
        assertEquals("127.0.0.1", create.getString("client"));
        assertEquals("local", create.getString("region"));
        assertTrue(create.getDouble("latencyMs") > 0);
        assertTrue(create.getString("time").endsWith("Z"));

        assertEquals("wrapKey", lines.get(1).getString("operation"));
        assertEquals(version, lines.get(1).getString("version"));
        assertEquals("unwrapKey", lines.get(2).getString("operation"));
        assertEquals(version, lines.get(2).getString("version"));
        assertEquals(403, lines.get(3).getInteger("status"));
        assertEquals("reader", lines.get(3).getString("identity"));
        assertEquals("Forbidden/AccessDenied", lines.get(3).getString("code"));
        assertEquals(401, lines.get(4).getInteger("status"));
        assertEquals("-", lines.get(4).getString("identity"));

        assertFalse(text.contains(ADMIN_TOKEN) || text.contains(READER_TOKEN), "no tokens");
        assertFalse(text.contains(dekB64) || text.contains(wrapped), "no key material");
    }
}
