package io.strongroom.vault.local;

import static io.strongroom.vault.local.VaultTestKit.ADMIN_TOKEN;
import static io.strongroom.vault.local.VaultTestKit.API;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistenceTest {
    @TempDir
    Path dir;

    Vertx vertx;
    VaultTestKit kit;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        kit = VaultTestKit.start(vertx, VaultTestKit.defaults(dir));
    }

    @AfterEach
    void stop() {
        kit.close();
        VaultTestKit.await(vertx.close());
    }

    @Test
    void keysVersionsAttributesAndDeletionSurviveRestart() {
        JsonObject v1 = kit.createKey("kept", 2048).getJsonObject("key");
        String v1Path = v1.getString("kid").substring(kit.vault.vaultUrl().length());
        byte[] dek = new byte[32];
        new SecureRandom().nextBytes(dek);
        String wrapped = kit.post(
                        v1Path + "/wrapkey?" + API,
                        ADMIN_TOKEN,
                        new JsonObject()
                                .put("alg", "RSA-OAEP-256")
                                .put(
                                        "value",
                                        Base64.getUrlEncoder().withoutPadding().encodeToString(dek)))
                .bodyAsJsonObject()
                .getString("value");
        String v2 = kit.post("/keys/kept/rotate?" + API, ADMIN_TOKEN, null)
                .bodyAsJsonObject()
                .getJsonObject("key")
                .getString("kid");
        kit.send(
                HttpMethod.PATCH,
                v1Path + "?" + API,
                ADMIN_TOKEN,
                new JsonObject()
                        .put("attributes", new JsonObject().put("exp", 4_000_000_000L))
                        .put("tags", new JsonObject().put("owner", "ops")));
        kit.createKey("dropped", 2048);
        kit.send(HttpMethod.DELETE, "/keys/dropped?" + API, ADMIN_TOKEN, null);

        kit.restart();
        String oldBase = v1.getString("kid").substring(0, v1.getString("kid").indexOf("/keys/"));

        HttpResponse<Buffer> latest = kit.get("/keys/kept?" + API, ADMIN_TOKEN);
        assertEquals(200, latest.statusCode());
        assertEquals(
                v2.replace(oldBase, kit.vault.vaultUrl()),
                latest.bodyAsJsonObject().getJsonObject("key").getString("kid"));
        JsonObject v1Again = kit.get(v1Path + "?" + API, ADMIN_TOKEN).bodyAsJsonObject();
        assertEquals(v1.getString("n"), v1Again.getJsonObject("key").getString("n"));
        assertEquals(4_000_000_000L, v1Again.getJsonObject("attributes").getLong("exp"));
        assertEquals("ops", v1Again.getJsonObject("tags").getString("owner"));
        HttpResponse<Buffer> unwrapped = kit.post(
                v1Path + "/unwrapkey?" + API,
                ADMIN_TOKEN,
                new JsonObject().put("alg", "RSA-OAEP-256").put("value", wrapped));
        assertEquals(200, unwrapped.statusCode(), unwrapped.bodyAsString());
        assertArrayEquals(
                dek, Base64.getUrlDecoder().decode(unwrapped.bodyAsJsonObject().getString("value")));
        assertEquals(404, kit.get("/keys/dropped?" + API, ADMIN_TOKEN).statusCode());
        assertEquals(200, kit.get("/deletedkeys/dropped?" + API, ADMIN_TOKEN).statusCode());
    }

    @Test
    void secretsAtRestAreOwnerOnlyAndPrivateKeysAreSealed() throws Exception {
        kit.createKey("sealed", 2048);
        assertEquals(
                "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("master.key"))));
        Path file = dir.resolve("keys").resolve("sealed.key.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        JsonObject stored = new JsonObject(Files.readString(file));
        JsonObject version = stored.getJsonArray("versions").getJsonObject(0);
        assertTrue(version.getString("sealedPrivateKey").length() > 1000);
        assertFalse(version.containsKey("d"), "no private exponent in clear");
        try (Stream<Path> files = Files.list(dir.resolve("keys"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertEquals(List.of("sealed.key.json"), names, "no temporary files left behind");
        }
    }

    @Test
    void aDifferentMasterSecretCannotOpenTheKeys() throws Exception {
        kit.createKey("locked", 2048);
        kit.close();
        byte[] other = new byte[32];
        new SecureRandom().nextBytes(other);
        Files.writeString(dir.resolve("master.key"), Base64.getEncoder().encodeToString(other));
        AssertionError failure =
                assertThrows(AssertionError.class, () -> VaultTestKit.await(LocalVault.start(vertx, kit.options)));
        assertTrue(failure.getCause() instanceof javax.crypto.AEADBadTagException, String.valueOf(failure.getCause()));
        kit.vault = null;
        kit.client = null;
    }
}
