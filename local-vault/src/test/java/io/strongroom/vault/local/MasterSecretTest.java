package io.strongroom.vault.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.vault.local.keys.MasterSecret;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the master secret comes from and what happens when it is not the one the keys were sealed under: a real
 * vault on real files, restarted with the secret elsewhere, given as a value, missing or wrong.
 */
class MasterSecretTest {
    @TempDir
    Path dir;

    Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        VaultTestKit.await(vertx.close());
    }

    @Test
    void aSecretFileOutsideTheDataDirIsCreatedThereAndNeededAfterwards() {
        Path data = dir.resolve("data");
        Path secret = dir.resolve("elsewhere/master.key");
        LocalVaultOptions options = VaultTestKit.defaults(data).setMasterSecretFile(secret.toString());
        try (VaultTestKit kit = VaultTestKit.start(vertx, options)) {
            kit.createKey("sealed", 2048);
        }
        assertTrue(Files.exists(secret));
        assertFalse(Files.exists(data.resolve("master.key")), "nothing secret in the data directory");

        AssertionError missing = assertThrows(
                AssertionError.class,
                () -> VaultTestKit.start(vertx, VaultTestKit.defaults(data)).close());
        assertInstanceOf(IOException.class, missing.getCause(), String.valueOf(missing.getCause()));
        assertTrue(missing.getCause().getMessage().contains("holds keys sealed under one"), missing.getMessage());
        assertFalse(Files.exists(data.resolve("master.key")), "no new secret made up for sealed keys");

        try (VaultTestKit kit = VaultTestKit.start(vertx, options)) {
            assertEquals(
                    200,
                    kit.get("/keys/sealed?" + VaultTestKit.API, VaultTestKit.ADMIN_TOKEN)
                            .statusCode());
        }
    }

    @Test
    void aSecretGivenAsAValueIsNeverWrittenAndAWrongOneNamesTheKey() throws Exception {
        Path data = dir.resolve("data");
        SecretKey secret = MasterSecret.decode(randomBase64(), "test");
        try (VaultTestKit kit =
                VaultTestKit.start(vertx, VaultTestKit.defaults(data).setMasterSecret(secret))) {
            kit.createKey("given", 2048);
        }
        assertFalse(Files.exists(data.resolve("master.key")));
        try (VaultTestKit kit =
                VaultTestKit.start(vertx, VaultTestKit.defaults(data).setMasterSecret(secret))) {
            assertEquals(
                    200,
                    kit.get("/keys/given?" + VaultTestKit.API, VaultTestKit.ADMIN_TOKEN)
                            .statusCode());
        }

        SecretKey other = MasterSecret.decode(randomBase64(), "test");
        AssertionError wrong = assertThrows(
                AssertionError.class,
                () -> VaultTestKit.start(vertx, VaultTestKit.defaults(data).setMasterSecret(other))
                        .close());
        assertInstanceOf(AEADBadTagException.class, wrong.getCause(), String.valueOf(wrong.getCause()));
        assertTrue(
                wrong.getCause().getMessage().startsWith("key given/"),
                wrong.getCause().getMessage());
        assertTrue(
                wrong.getCause().getMessage().contains("sealed under another one"),
                wrong.getCause().getMessage());
    }

    @Test
    void aFreshDefaultSecretIsOwnerOnlyAndBadValuesAreRefusedWithoutEchoingThem() throws Exception {
        Path data = dir.resolve("data");
        SecretKey created = MasterSecret.loadOrCreate(data.resolve("master.key"), false);
        assertEquals(32, created.getEncoded().length);
        assertEquals(
                "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("master.key"))));

        String shortValue = Base64.getEncoder().encodeToString(new byte[16]);
        IOException tooShort = assertThrows(IOException.class, () -> MasterSecret.decode(shortValue, "setting x"));
        assertEquals("setting x must hold 32 bytes (base64)", tooShort.getMessage());
        IOException notBase64 = assertThrows(IOException.class, () -> MasterSecret.decode("secret*value", "setting x"));
        assertEquals("setting x is not base64", notBase64.getMessage());
        assertEquals(
                32,
                MasterSecret.decode("  " + randomBase64() + "\n", "padded").getEncoded().length,
                "white space around the value is ignored");
    }

    private static String randomBase64() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }
}
