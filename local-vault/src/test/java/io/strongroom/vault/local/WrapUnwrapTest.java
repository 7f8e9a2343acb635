package io.strongroom.vault.local;

import static io.strongroom.vault.local.VaultTestKit.ADMIN_TOKEN;
import static io.strongroom.vault.local.VaultTestKit.API;
import static io.strongroom.vault.local.VaultTestKit.READER_TOKEN;
import static io.strongroom.vault.local.VaultTestKit.errorCode;
import static io.strongroom.vault.local.VaultTestKit.innerCode;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WrapUnwrapTest {
    @TempDir
    static Path dir;

    static Vertx vertx;
    static VaultTestKit kit;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        kit = VaultTestKit.start(vertx, VaultTestKit.defaults(dir));
    }

    @AfterAll
    static void stop() {
        kit.close();
        VaultTestKit.await(vertx.close());
    }

    private static byte[] dek() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static String b64u(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Test
    void createdKeyIsAnRsaJwkWithAzureAttributes() {
        JsonObject bundle = kit.createKey("kek-attrs", 3072);
        JsonObject key = bundle.getJsonObject("key");
        assertEquals("RSA", key.getString("kty"));
        assertTrue(key.getString("kid")
                .matches(kit.vault.vaultUrl().replace(".", "\\.") + "/keys/kek-attrs/[0-9a-f]{32}"));
        assertEquals(3072, new BigInteger(1, Base64.getUrlDecoder().decode(key.getString("n"))).bitLength());
        assertEquals("AQAB", key.getString("e"));
        assertFalse(key.getString("n").contains("="), "base64url without padding");
        JsonObject attrs = bundle.getJsonObject("attributes");
        assertTrue(attrs.getBoolean("enabled"));
        assertEquals("Recoverable", attrs.getString("recoveryLevel"));
        assertEquals(90, attrs.getInteger("recoverableDays"));
        assertEquals(attrs.getLong("created"), attrs.getLong("updated"));
        assertTrue(key.getJsonArray("key_ops").contains("wrapKey"));
    }

    @Test
    void wrapThenUnwrapRoundTripsWithBothOaepAlgorithms() {
        String kid = kit.createKey("kek-roundtrip", 2048).getJsonObject("key").getString("kid");
        String versionPath = kid.substring(kit.vault.vaultUrl().length());
        for (String alg : new String[] {"RSA-OAEP-256", "RSA-OAEP"}) {
            byte[] dek = dek();
            HttpResponse<Buffer> wrapped = kit.post(
                    versionPath + "/wrapkey?" + API,
                    ADMIN_TOKEN,
                    new JsonObject().put("alg", alg).put("value", b64u(dek)));
            assertEquals(200, wrapped.statusCode(), wrapped.bodyAsString());
            assertEquals(kid, wrapped.bodyAsJsonObject().getString("kid"));
            byte[] ct = Base64.getUrlDecoder().decode(wrapped.bodyAsJsonObject().getString("value"));
            assertEquals(256, ct.length);
            HttpResponse<Buffer> unwrapped = kit.post(
                    versionPath + "/unwrapkey?" + API,
                    ADMIN_TOKEN,
                    new JsonObject()
                            .put("alg", alg)
                            .put("value", wrapped.bodyAsJsonObject().getString("value")));
            assertEquals(200, unwrapped.statusCode(), unwrapped.bodyAsString());
            assertArrayEquals(
                    dek,
                    Base64.getUrlDecoder().decode(unwrapped.bodyAsJsonObject().getString("value")));
        }
    }

    @Test
    void versionlessWrapUsesTheCurrentVersionAndSaysWhich() {
        String kid = kit.createKey("kek-versionless", 2048).getJsonObject("key").getString("kid");
        HttpResponse<Buffer> wrapped = kit.post(
                "/keys/kek-versionless/wrapkey?" + API,
                ADMIN_TOKEN,
                new JsonObject().put("alg", "RSA-OAEP-256").put("value", b64u(dek())));
        assertEquals(200, wrapped.statusCode());
        assertEquals(kid, wrapped.bodyAsJsonObject().getString("kid"));
        HttpResponse<Buffer> emptyVersion = kit.post(
                "/keys/kek-versionless//wrapkey?" + API,
                ADMIN_TOKEN,
                new JsonObject().put("alg", "RSA-OAEP-256").put("value", b64u(dek())));
        assertEquals(200, emptyVersion.statusCode());
    }

    @Test
    void rsa15IsRefusedUnlessAllowed() {
        kit.createKey("kek-rsa15", 2048);
        HttpResponse<Buffer> r = kit.post(
                "/keys/kek-rsa15/wrapkey?" + API,
                ADMIN_TOKEN,
                new JsonObject().put("alg", "RSA1_5").put("value", b64u(dek())));
        assertEquals(400, r.statusCode());
        assertEquals("BadParameter", errorCode(r));
    }

    @Test
    void tamperedCiphertextIsABadParameterNotAServerError() {
        kit.createKey("kek-tamper", 2048);
        HttpResponse<Buffer> wrapped = kit.post(
                "/keys/kek-tamper/wrapkey?" + API,
                ADMIN_TOKEN,
                new JsonObject().put("alg", "RSA-OAEP-256").put("value", b64u(dek())));
        byte[] ct = Base64.getUrlDecoder().decode(wrapped.bodyAsJsonObject().getString("value"));
        ct[10] ^= 1;
        HttpResponse<Buffer> r = kit.post(
                "/keys/kek-tamper/unwrapkey?" + API,
                ADMIN_TOKEN,
                new JsonObject().put("alg", "RSA-OAEP-256").put("value", b64u(ct)));
        assertEquals(400, r.statusCode());
        assertEquals("BadParameter", errorCode(r));
    }

    @Test
    void missingTokenGetsAzuresBearerChallenge() {
        kit.createKey("kek-auth", 2048);
        HttpResponse<Buffer> r = kit.post("/keys/kek-auth/wrapkey?" + API, null, null);
        assertEquals(401, r.statusCode());
        assertEquals("Unauthorized", errorCode(r));
        assertEquals(
                "Bearer authorization=\"https://login.microsoftonline.com/" + LocalVaultOptions.DEFAULT_TENANT_ID
                        + "\", resource=\"https://vault.azure.net\"",
                r.getHeader("WWW-Authenticate"));
        HttpResponse<Buffer> bad = kit.get("/keys/kek-auth?" + API, "not-a-token");
        assertEquals(401, bad.statusCode());
        assertTrue(bad.getHeader("WWW-Authenticate").startsWith("Bearer authorization="));
    }

    @Test
    void missingPermissionIsForbidden() {
        kit.createKey("kek-perm", 2048);
        HttpResponse<Buffer> r = kit.post(
                "/keys/kek-perm/wrapkey?" + API,
                READER_TOKEN,
                new JsonObject().put("alg", "RSA-OAEP-256").put("value", b64u(dek())));
        assertEquals(403, r.statusCode());
        assertEquals("Forbidden", errorCode(r));
        assertEquals("AccessDenied", innerCode(r));
        assertTrue(
                r.bodyAsJsonObject().getJsonObject("error").getString("message").contains("wrapKey"));
        assertEquals(200, kit.get("/keys/kek-perm?" + API, READER_TOKEN).statusCode());
    }

    @Test
    void unknownKeyIs404KeyNotFound() {
        HttpResponse<Buffer> r = kit.get("/keys/no-such-key?" + API, ADMIN_TOKEN);
        assertEquals(404, r.statusCode());
        assertEquals("KeyNotFound", errorCode(r));
        HttpResponse<Buffer> w = kit.post(
                "/keys/no-such-key/wrapkey?" + API,
                ADMIN_TOKEN,
                new JsonObject().put("alg", "RSA-OAEP-256").put("value", b64u(dek())));
        assertEquals(404, w.statusCode());
    }

    @Test
    void missingApiVersionIsABadParameter() {
        HttpResponse<Buffer> r = kit.get("/keys", ADMIN_TOKEN);
        assertEquals(400, r.statusCode());
        assertEquals("BadParameter", errorCode(r));
    }

    @Test
    void unknownPathsWrongMethodsAndOversizedBodiesGetJsonErrors() {
        HttpResponse<Buffer> unknown = kit.get("/secrets/x?" + API, ADMIN_TOKEN);
        assertEquals(404, unknown.statusCode());
        assertEquals("NotFound", errorCode(unknown));
        HttpResponse<Buffer> method = kit.send(HttpMethod.POST, "/keys/x?" + API, ADMIN_TOKEN, new JsonObject());
        assertEquals(405, method.statusCode());
        assertEquals("MethodNotAllowed", errorCode(method));
        HttpResponse<Buffer> big = kit.post(
                "/keys/x/wrapkey?" + API,
                ADMIN_TOKEN,
                new JsonObject().put("alg", "RSA-OAEP-256").put("value", "A".repeat(1_100_000)));
        assertEquals(413, big.statusCode());
        assertEquals("RequestTooLarge", errorCode(big));
    }
}
