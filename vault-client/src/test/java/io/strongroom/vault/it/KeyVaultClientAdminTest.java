package io.strongroom.vault.it;

import static io.strongroom.vault.it.Await.await;
import static io.strongroom.vault.it.Await.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.vault.CreateKeyOptions;
import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyProperties;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.StaticTokenProvider;
import io.strongroom.vault.VaultErrorClass;
import io.strongroom.vault.WrapResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** createKey, rotateKey and deleteKey against a real local-vault: results, versions, errors, retries. */
class KeyVaultClientAdminTest {
    @TempDir
    static Path dir;

    static Vertx vertx;
    static LocalVaultFixture fx;
    static KeyVaultClient admin;
    static KeyVaultClient app;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        fx = LocalVaultFixture.start(vertx, LocalVaultFixture.defaultOptions(dir, "eastus"));
        admin = fx.client(new StaticTokenProvider(LocalVaultFixture.ADMIN_TOKEN));
        app = fx.appClient();
    }

    @AfterEach
    void noFaults() {
        fx.clearFaults();
    }

    @AfterAll
    static void stop() {
        await(admin.close());
        await(app.close());
        fx.close();
        await(vertx.close());
    }

    @Test
    void createReturnsTheVersionWithSizeAndOperations() {
        KeyProperties created = await(admin.createKey("adm-default", new CreateKeyOptions()));
        assertEquals(
                new KeyId(
                        LocalVaultFixture.VAULT_URL,
                        "adm-default",
                        created.kid().versionOrNull()),
                created.kid());
        assertTrue(created.kid().hasVersion(), created.kid().toString());
        assertEquals("RSA", created.kty());
        assertEquals(2048, created.keySizeBits());
        assertEquals(List.of("wrapKey", "unwrapKey"), created.keyOps());
        assertTrue(created.enabled());
        assertTrue(created.notBefore() == null && created.expires() == null);
        assertEquals(created, await(app.getKey("adm-default", null)), "what get reads back");

        KeyProperties larger = await(admin.createKey(
                "adm-3072",
                new CreateKeyOptions().setKeySize(3072).setKeyOps(List.of("wrapKey", "unwrapKey", "encrypt"))));
        assertEquals(3072, larger.keySizeBits());
        assertEquals(List.of("wrapKey", "unwrapKey", "encrypt"), larger.keyOps());
    }

    @Test
    void createSetsAttributes() {
        Instant nbf = Instant.now().plusSeconds(3600).plusMillis(250);
        Instant exp = nbf.plusSeconds(86_400);
        KeyProperties created = await(admin.createKey(
                "adm-attrs",
                new CreateKeyOptions().setEnabled(false).setNotBefore(nbf).setExpires(exp)));
        assertFalse(created.enabled());
        assertEquals(Instant.ofEpochSecond(nbf.getEpochSecond()), created.notBefore(), "whole seconds on the wire");
        assertEquals(Instant.ofEpochSecond(exp.getEpochSecond()), created.expires());
        KeyVaultException e = failure(app.wrapKey(created.kid(), "RSA-OAEP-256", new byte[32]));
        assertEquals(VaultErrorClass.KEY_DISABLED, e.errorClass());
    }

    @Test
    void createTwiceMakesANewVersion() {
        KeyProperties first = await(admin.createKey("adm-twice", new CreateKeyOptions()));
        KeyProperties second = await(admin.createKey("adm-twice", new CreateKeyOptions()));
        assertEquals(first.kid().versionless(), second.kid().versionless());
        assertNotEquals(first.kid(), second.kid());
        assertEquals(2, await(app.listVersions("adm-twice")).size());
        assertEquals(second.kid(), await(app.getKey("adm-twice", null)).kid());
    }

    @Test
    void aCreatedKeyWrapsAndUnwraps() {
        KeyId kid = await(admin.createKey("adm-wrap", new CreateKeyOptions())).kid();
        byte[] dek = new byte[32];
        new SecureRandom().nextBytes(dek);
        WrapResult wrapped = await(app.wrapKey(kid.versionless(), "RSA-OAEP-256", dek));
        assertEquals(kid, wrapped.kid());
        assertArrayEquals(dek, await(app.unwrapKey(wrapped.kid(), "RSA-OAEP-256", wrapped.wrapped())));
    }

    @Test
    void badInputIsBadRequestAndNotRetried() {
        KeyVaultClient c = fx.client(new StaticTokenProvider(LocalVaultFixture.ADMIN_TOKEN));
        try {
            KeyVaultException size = failure(c.createKey("adm-bad", new CreateKeyOptions().setKeySize(1000)));
            assertEquals(VaultErrorClass.BAD_REQUEST, size.errorClass());
            assertEquals(400, size.httpStatus());
            assertEquals("BadParameter", size.vaultCode());
            assertTrue(size.vaultMessage().contains("key_size"), size.vaultMessage());
            KeyVaultException kty = failure(c.createKey("adm-bad", new CreateKeyOptions().setKty("EC")));
            assertEquals(VaultErrorClass.BAD_REQUEST, kty.errorClass());
            assertTrue(kty.vaultMessage().contains("EC"), kty.vaultMessage());
            assertEquals(
                    VaultErrorClass.BAD_REQUEST,
                    failure(c.createKey("adm-bad", new CreateKeyOptions().setKeyOps(List.of("frobnicate"))))
                            .errorClass());
            assertEquals(
                    3,
                    c.latency().snapshot().stream()
                            .filter(s -> s.operation().equals("create"))
                            .mapToLong(s -> s.count())
                            .sum(),
                    "one request per bad create");

            KeyVaultException name = failure(c.createKey("bad_name", new CreateKeyOptions()));
            assertEquals(VaultErrorClass.BAD_REQUEST, name.errorClass());
            assertEquals(0, name.httpStatus(), "refused before sending");
            assertEquals(
                    VaultErrorClass.BAD_REQUEST,
                    failure(c.deleteKey("bad/name")).errorClass());
            assertEquals(
                    0, c.latency().snapshot().stream().mapToLong(s -> s.count()).sum());
            assertEquals(
                    VaultErrorClass.KEY_NOT_FOUND,
                    failure(app.getKey("adm-bad", null)).errorClass());
        } finally {
            await(c.close());
        }
    }

    @Test
    void anIdentityWithoutAdminPermissionsIsForbidden() {
        await(admin.createKey("adm-perm", new CreateKeyOptions()));
        KeyVaultException create = failure(app.createKey("adm-perm", new CreateKeyOptions()));
        assertEquals(VaultErrorClass.FORBIDDEN, create.errorClass());
        assertEquals(403, create.httpStatus());
        assertEquals("AccessDenied", create.vaultInnerCode());
        assertTrue(create.vaultMessage().contains("create"), create.vaultMessage());
        assertFalse(create.getMessage().contains(LocalVaultFixture.APP_TOKEN), create.getMessage());
        assertEquals(
                VaultErrorClass.FORBIDDEN, failure(app.rotateKey("adm-perm")).errorClass());
        assertEquals(
                VaultErrorClass.FORBIDDEN, failure(app.deleteKey("adm-perm")).errorClass());
        assertEquals(1, await(app.listVersions("adm-perm")).size(), "nothing changed");
    }

    @Test
    void deleteThenGetIsNotFoundAndTheNameStaysTaken() {
        KeyId kid = await(admin.createKey("adm-delete", new CreateKeyOptions())).kid();
        KeyProperties deleted = await(admin.deleteKey("adm-delete"));
        assertEquals(kid, deleted.kid(), "the result describes the latest version");
        assertEquals(2048, deleted.keySizeBits());
        assertEquals(
                VaultErrorClass.KEY_NOT_FOUND,
                failure(app.getKey("adm-delete", null)).errorClass());
        assertEquals(VaultErrorClass.KEY_NOT_FOUND, failure(app.getKey(kid)).errorClass());
        assertEquals(
                VaultErrorClass.KEY_NOT_FOUND,
                failure(admin.deleteKey("adm-delete")).errorClass());
        assertEquals(
                VaultErrorClass.KEY_NOT_FOUND,
                failure(admin.deleteKey("adm-never-created")).errorClass());

        KeyVaultException reuse = failure(admin.createKey("adm-delete", new CreateKeyOptions()));
        assertEquals(VaultErrorClass.BAD_REQUEST, reuse.errorClass());
        assertEquals(409, reuse.httpStatus());
        assertEquals("ObjectIsDeletedButRecoverable", reuse.vaultInnerCode());
    }

    @Test
    void rotateKeepsTypeSizeAndOperations() {
        KeyProperties v1 = await(admin.createKey("adm-rotate", new CreateKeyOptions().setKeySize(3072)));
        KeyProperties v2 = await(admin.rotateKey("adm-rotate"));
        assertNotEquals(v1.kid(), v2.kid());
        assertEquals(v1.kid().versionless(), v2.kid().versionless());
        assertEquals(3072, v2.keySizeBits());
        assertEquals(v1.keyOps(), v2.keyOps());
        assertEquals(v2.kid(), await(app.getKey("adm-rotate", null)).kid());
        assertEquals(
                VaultErrorClass.KEY_NOT_FOUND,
                failure(admin.rotateKey("adm-no-such-key")).errorClass());
    }

    @Test
    void throttledAndUnavailableCreatesAreRetriedWithoutExtraVersions() {
        // local-vault answers injected faults before acting, like a vault that refuses before creating
        fx.faults(new JsonObject()
                .put(
                        "errors",
                        List.of(
                                new JsonObject()
                                        .put("status", 429)
                                        .put("retryAfterSeconds", 1)
                                        .put("count", 1)
                                        .put("operations", List.of("create")),
                                new JsonObject()
                                        .put("status", 503)
                                        .put("count", 1)
                                        .put("operations", List.of("create")))));
        KeyVaultClient c = fx.client(new StaticTokenProvider(LocalVaultFixture.ADMIN_TOKEN));
        try {
            KeyProperties created = await(c.createKey("adm-retried", new CreateKeyOptions()));
            assertEquals(
                    List.of(created.kid()),
                    await(app.listVersions("adm-retried")).stream()
                            .map(KeyProperties::kid)
                            .toList());
            assertEquals(
                    3,
                    c.latency().snapshot().stream()
                            .filter(s -> s.operation().equals("create"))
                            .mapToLong(s -> s.count())
                            .sum(),
                    "429, 503, then the create");
        } finally {
            await(c.close());
        }
    }

    @Test
    void keyGenerationIsNotCutShortByTheAttemptTimeout() {
        KeyVaultClient c = KeyVaultClient.create(
                vertx,
                fx.clientOptions().setAttemptTimeout(Duration.ofMillis(300)),
                new StaticTokenProvider(LocalVaultFixture.ADMIN_TOKEN));
        try {
            // connect (TCP, TLS, h2) before the vault slows down: only the answer to the create is to be late
            await(c.listKeys());
            fx.faults(new JsonObject()
                    .put(
                            "latency",
                            new JsonObject()
                                    .put("distribution", "fixed")
                                    .put("ms", 700)
                                    .put("operations", List.of("create"))));
            KeyProperties created = await(c.createKey("adm-slow", new CreateKeyOptions()));
            fx.clearFaults();
            assertEquals(
                    List.of(created.kid()),
                    await(app.listVersions("adm-slow")).stream()
                            .map(KeyProperties::kid)
                            .toList(),
                    "one attempt, one version");
            assertEquals(
                    1,
                    c.latency().snapshot().stream()
                            .filter(s -> s.operation().equals("create"))
                            .mapToLong(s -> s.count())
                            .sum());
        } finally {
            await(c.close());
        }
    }

    @Test
    void latencyIsTrackedPerAdminOperation() {
        KeyVaultClient c = fx.client(new StaticTokenProvider(LocalVaultFixture.ADMIN_TOKEN));
        try {
            await(c.createKey("adm-latency", new CreateKeyOptions()));
            await(c.rotateKey("adm-latency"));
            await(c.deleteKey("adm-latency"));
            List<String> operations = c.latency().snapshot().stream()
                    .filter(s -> s.count() == 1)
                    .map(s -> s.operation())
                    .sorted()
                    .toList();
            assertEquals(List.of("create", "delete", "rotate"), operations);
        } finally {
            await(c.close());
        }
    }
}
