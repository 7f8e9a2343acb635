package io.strongroom.vault.local;

import static io.strongroom.vault.local.VaultTestKit.ADMIN_TOKEN;
import static io.strongroom.vault.local.VaultTestKit.API;
import static io.strongroom.vault.local.VaultTestKit.READER_TOKEN;
import static io.strongroom.vault.local.VaultTestKit.errorCode;
import static io.strongroom.vault.local.VaultTestKit.innerCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.crypto.KeyWrapAlgorithm;
import io.strongroom.crypto.RsaKeyWrap;
import io.strongroom.vault.local.keys.KeyFileStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Azure's key backup, restore and import (docs/LOCAL-VAULT.md), over real HTTPS. */
class BackupRestoreImportTest {
    private static final Base64.Encoder B64U = Base64.getUrlEncoder().withoutPadding();
    private final byte[] master = new byte[32];

    @TempDir
    Path dir;

    @TempDir
    Path otherDir;

    Vertx vertx;
    VaultTestKit kit;
    final List<VaultTestKit> others = new ArrayList<>();

    @BeforeEach
    void start() {
        new SecureRandom().nextBytes(master);
        vertx = Vertx.vertx();
        kit = VaultTestKit.start(vertx, options(dir, master));
    }

    @AfterEach
    void stop() {
        others.forEach(VaultTestKit::close);
        kit.close();
        VaultTestKit.await(vertx.close());
    }

    private static LocalVaultOptions options(Path dataDir, byte[] master) {
        return VaultTestKit.defaults(dataDir)
                .setPurgeProtection(false)
                .setMasterSecret(new SecretKeySpec(master, "AES"));
    }

    private static String wrapBody(byte[] dek) {
        return new JsonObject()
                .put("alg", "RSA-OAEP-256")
                .put("value", B64U.encodeToString(dek))
                .encode();
    }

    private String wrap(VaultTestKit k, String keyPath, byte[] dek) {
        HttpResponse<Buffer> r = k.post(keyPath + "/wrapkey?" + API, ADMIN_TOKEN, new JsonObject(wrapBody(dek)));
        assertEquals(200, r.statusCode(), r.bodyAsString());
        return r.bodyAsJsonObject().getString("value");
    }

    private HttpResponse<Buffer> unwrap(VaultTestKit k, String keyPath, String wrapped) {
        return k.post(
                keyPath + "/unwrapkey?" + API,
                ADMIN_TOKEN,
                new JsonObject().put("alg", "RSA-OAEP-256").put("value", wrapped));
    }

    private String backup(VaultTestKit k, String name) {
        HttpResponse<Buffer> r = k.post("/keys/" + name + "/backup?" + API, ADMIN_TOKEN, null);
        assertEquals(200, r.statusCode(), r.bodyAsString());
        return r.bodyAsJsonObject().getString("value");
    }

    private static HttpResponse<Buffer> restore(VaultTestKit k, String blob) {
        return k.post("/keys/restore?" + API, ADMIN_TOKEN, new JsonObject().put("value", blob));
    }

    private static String path(VaultTestKit k, String kid) {
        return kid.substring(k.vault.vaultUrl().length());
    }

    @Test
    void aBackupRestoresEveryVersionAfterPurgeAndReadsNoMaterial() {
        JsonObject v1 = kit.createKey("escrow", 2048);
        JsonObject v2 =
                kit.post("/keys/escrow/rotate?" + API, ADMIN_TOKEN, null).bodyAsJsonObject();
        byte[] dek = new byte[32];
        new SecureRandom().nextBytes(dek);
        String v1Path = path(kit, v1.getJsonObject("key").getString("kid"));
        String wrapped = wrap(kit, v1Path, dek);

        String blob = backup(kit, "escrow");
        byte[] raw = Base64.getUrlDecoder().decode(blob);
        String modulus = v1.getJsonObject("key").getString("n");
        assertFalse(blob.contains(modulus.substring(0, 40)), "the backup is sealed, not the key file in clear");
        assertFalse(new String(raw, StandardCharsets.ISO_8859_1).contains("escrow"));

        assertEquals(
                200,
                kit.send(HttpMethod.DELETE, "/keys/escrow?" + API, ADMIN_TOKEN, null)
                        .statusCode());
        assertEquals(
                204,
                kit.send(HttpMethod.DELETE, "/deletedkeys/escrow?" + API, ADMIN_TOKEN, null)
                        .statusCode());
        assertEquals(404, unwrap(kit, v1Path, wrapped).statusCode());

        HttpResponse<Buffer> back = restore(kit, blob);
        assertEquals(200, back.statusCode(), back.bodyAsString());
        assertEquals(
                v2.getJsonObject("key").getString("kid"),
                back.bodyAsJsonObject().getJsonObject("key").getString("kid"),
                "the current version and its id come back");
        HttpResponse<Buffer> unwrapped = unwrap(kit, v1Path, wrapped);
        assertEquals(200, unwrapped.statusCode(), unwrapped.bodyAsString());
        assertEquals(B64U.encodeToString(dek), unwrapped.bodyAsJsonObject().getString("value"));
        JsonArray versions = kit.get("/keys/escrow/versions?" + API, ADMIN_TOKEN)
                .bodyAsJsonObject()
                .getJsonArray("value");
        assertEquals(2, versions.size());

        kit.restart();
        assertEquals(200, unwrap(kit, v1Path, wrapped).statusCode(), "a restored key is persisted");
    }

    @Test
    void restoreIsRefusedWhileTheNameIsTakenOrTheBlobIsNotOurs() {
        kit.createKey("taken", 2048);
        String blob = backup(kit, "taken");
        HttpResponse<Buffer> live = restore(kit, blob);
        assertEquals(409, live.statusCode());
        assertEquals("Conflict", errorCode(live));

        kit.send(HttpMethod.DELETE, "/keys/taken?" + API, ADMIN_TOKEN, null);
        HttpResponse<Buffer> deleted = restore(kit, blob);
        assertEquals(409, deleted.statusCode());
        assertEquals("ObjectIsDeletedButRecoverable", innerCode(deleted));

        byte[] tampered = Base64.getUrlDecoder().decode(blob);
        tampered[tampered.length / 2] ^= 1;
        HttpResponse<Buffer> bad = restore(kit, B64U.encodeToString(tampered));
        assertEquals(400, bad.statusCode());
        assertEquals("BadParameter", errorCode(bad));
        assertEquals(400, restore(kit, "not*base64").statusCode());

        byte[] otherMaster = new byte[32];
        new SecureRandom().nextBytes(otherMaster);
        VaultTestKit stranger = VaultTestKit.start(vertx, options(otherDir, otherMaster));
        others.add(stranger);
        HttpResponse<Buffer> foreign = restore(stranger, blob);
        assertEquals(400, foreign.statusCode(), "a backup opens only under the master secret that sealed it");
        assertEquals(404, stranger.get("/keys/taken?" + API, ADMIN_TOKEN).statusCode());
    }

    @Test
    void aBackupMovesAKeyToAnotherVaultHoldingTheSameMasterSecret() {
        JsonObject key = kit.createKey("moving", 3072);
        byte[] dek = new byte[32];
        new SecureRandom().nextBytes(dek);
        String wrapped = wrap(kit, path(kit, key.getJsonObject("key").getString("kid")), dek);
        VaultTestKit twin = VaultTestKit.start(vertx, options(otherDir, master));
        others.add(twin);
        HttpResponse<Buffer> restored = restore(twin, backup(kit, "moving"));
        assertEquals(200, restored.statusCode(), restored.bodyAsString());
        String kid = restored.bodyAsJsonObject().getJsonObject("key").getString("kid");
        assertTrue(kid.startsWith(twin.vault.vaultUrl() + "/keys/moving/"), kid);
        HttpResponse<Buffer> r = unwrap(twin, path(twin, kid), wrapped);
        assertEquals(B64U.encodeToString(dek), r.bodyAsJsonObject().getString("value"));
    }

    @Test
    void backupAndRestoreNeedTheirPermissions() {
        kit.createKey("guarded", 2048);
        HttpResponse<Buffer> denied = kit.post("/keys/guarded/backup?" + API, READER_TOKEN, null);
        assertEquals(403, denied.statusCode());
        assertEquals("AccessDenied", innerCode(denied));
        HttpResponse<Buffer> restoreDenied =
                kit.post("/keys/restore?" + API, READER_TOKEN, new JsonObject().put("value", "AAAA"));
        assertEquals(403, restoreDenied.statusCode());
        assertEquals(
                404, kit.post("/keys/none/backup?" + API, ADMIN_TOKEN, null).statusCode());
    }

    static JsonObject jwk(KeyPair pair) {
        RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
        RSAPrivateCrtKey priv = (RSAPrivateCrtKey) pair.getPrivate();
        return new JsonObject()
                .put("kty", "RSA")
                .put("key_ops", new JsonArray().add("wrapKey").add("unwrapKey"))
                .put("n", b64(pub.getModulus()))
                .put("e", b64(pub.getPublicExponent()))
                .put("d", b64(priv.getPrivateExponent()))
                .put("p", b64(priv.getPrimeP()))
                .put("q", b64(priv.getPrimeQ()))
                .put("dp", b64(priv.getPrimeExponentP()))
                .put("dq", b64(priv.getPrimeExponentQ()))
                .put("qi", b64(priv.getCrtCoefficient()));
    }

    private static String b64(BigInteger v) {
        return B64U.encodeToString(KeyFileStore.unsigned(v));
    }

    private static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
        kpg.initialize(bits);
        return kpg.generateKeyPair();
    }

    private HttpResponse<Buffer> importKey(String name, JsonObject body) {
        return kit.send(HttpMethod.PUT, "/keys/" + name + "?" + API, ADMIN_TOKEN, body);
    }

    @Test
    void anImportedKeyUnwrapsWhatItsOwnerWrapped() throws Exception {
        KeyPair pair = rsa(2048);
        HttpResponse<Buffer> r = importKey(
                "byok",
                new JsonObject()
                        .put("key", jwk(pair))
                        .put("Hsm", true)
                        .put("attributes", new JsonObject().put("enabled", true))
                        .put("tags", new JsonObject().put("origin", "onprem")));
        assertEquals(200, r.statusCode(), r.bodyAsString());
        JsonObject bundle = r.bodyAsJsonObject();
        JsonObject key = bundle.getJsonObject("key");
        assertEquals("RSA-HSM", key.getString("kty"));
        assertEquals(jwk(pair).getString("n"), key.getString("n"));
        assertEquals(new JsonArray().add("wrapKey").add("unwrapKey"), key.getJsonArray("key_ops"));
        assertFalse(key.containsKey("d"), "private parts are never returned");
        assertEquals("onprem", bundle.getJsonObject("tags").getString("origin"));

        byte[] dek = new byte[32];
        new SecureRandom().nextBytes(dek);
        byte[] wrappedHere = RsaKeyWrap.wrap(KeyWrapAlgorithm.RSA_OAEP_256, (RSAPublicKey) pair.getPublic(), dek);
        String kidPath = path(kit, key.getString("kid"));
        HttpResponse<Buffer> unwrapped = unwrap(kit, kidPath, B64U.encodeToString(wrappedHere));
        assertEquals(B64U.encodeToString(dek), unwrapped.bodyAsJsonObject().getString("value"));

        HttpResponse<Buffer> again = importKey("byok", new JsonObject().put("key", jwk(rsa(3072))));
        assertEquals(200, again.statusCode());
        assertNotEquals(
                key.getString("kid"),
                again.bodyAsJsonObject().getJsonObject("key").getString("kid"));
        kit.restart();
        assertEquals(
                B64U.encodeToString(dek),
                unwrap(kit, kidPath, B64U.encodeToString(wrappedHere))
                        .bodyAsJsonObject()
                        .getString("value"),
                "the imported version survives a restart");
    }

    @Test
    void importRefusesKeysThatAreNotOneWholeRsaKeyPair() throws Exception {
        KeyPair pair = rsa(2048);
        JsonObject mixed = jwk(pair).put("q", jwk(rsa(2048)).getString("q"));
        assertBadParameter(importKey("bad", new JsonObject().put("key", mixed)));
        JsonObject publicOnly = jwk(pair);
        publicOnly.remove("d");
        assertBadParameter(importKey("bad", new JsonObject().put("key", publicOnly)));
        assertBadParameter(importKey("bad", new JsonObject().put("key", jwk(rsa(1024)))));
        assertBadParameter(importKey(
                "bad", new JsonObject().put("key", jwk(pair).put("kty", "EC"))));
        assertBadParameter(importKey("bad", new JsonObject()));
        HttpResponse<Buffer> badB64 =
                importKey("bad", new JsonObject().put("key", jwk(pair).put("d", "***")));
        assertBadParameter(badB64);
        assertFalse(badB64.bodyAsString().contains(jwk(pair).getString("d").substring(0, 20)));
        assertEquals(404, kit.get("/keys/bad?" + API, ADMIN_TOKEN).statusCode(), "nothing was stored");
        HttpResponse<Buffer> denied =
                kit.send(HttpMethod.PUT, "/keys/bad?" + API, READER_TOKEN, new JsonObject().put("key", jwk(pair)));
        assertEquals(403, denied.statusCode());
    }

    private static void assertBadParameter(HttpResponse<Buffer> r) {
        assertEquals(400, r.statusCode(), r.bodyAsString());
        assertEquals("BadParameter", errorCode(r));
    }
}
