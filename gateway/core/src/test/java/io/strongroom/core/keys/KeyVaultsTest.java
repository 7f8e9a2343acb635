package io.strongroom.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.testkit.Await;
import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyVaultClientOptions;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KeyVaultsTest {
    final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        Await.result(vertx.close());
    }

    private KeyVaults vaults() {
        return KeyVaults.create(
                vertx,
                new KeyVaultsConfig()
                        .addVault(new KeyVaultClientOptions().setVaultUrl("https://Vault-A.example/"))
                        .addIdentity("default", new IdentityConfig.StaticToken("secret-token-1"))
                        .addIdentity(
                                "other",
                                new IdentityConfig.ClientCredentials(
                                        "https://login.example", "t", "c", "s3cret", null)));
    }

    @Test
    void clientsOnlyForConfiguredVaultsAndIdentities() {
        KeyVaults vaults = vaults();
        KeyId kid = KeyId.parse("https://vault-a.example/keys/k1/abc");
        assertSame(vaults.client(kid, null), vaults.client(kid, "default"), "one client per vault and identity");
        assertNotSame(vaults.client(kid, null), vaults.client(kid, "other"));
        assertEquals(2, vaults.clients().size());

        StrongroomException unknownVault = assertThrows(
                StrongroomException.class, () -> vaults.client(KeyId.parse("https://attacker.example/keys/k1"), null));
        assertEquals(ErrorCode.InvalidArgument, unknownVault.code());
        StrongroomException unknownIdentity =
                assertThrows(StrongroomException.class, () -> vaults.client(kid, "nobody"));
        assertEquals(ErrorCode.InvalidArgument, unknownIdentity.code());
        Await.result(vaults.close());
    }

    @Test
    void defaultIdentityMustExist() {
        assertThrows(
                IllegalArgumentException.class,
                () -> KeyVaults.create(
                        vertx,
                        new KeyVaultsConfig()
                                .addIdentity("x", new IdentityConfig.StaticToken("t"))
                                .setDefaultIdentity("y")));
    }

    @Test
    void secretsStayOutOfToString() {
        KeyVaultsConfig config = new KeyVaultsConfig()
                .addIdentity("default", new IdentityConfig.StaticToken("secret-token-1"))
                .addIdentity(
                        "cc", new IdentityConfig.ClientCredentials("https://login.example", "t", "c", "s3cret", null));
        String text = config + " " + vaults();
        assertFalse(text.contains("secret-token-1"), text);
        assertFalse(text.contains("s3cret"), text);
        assertTrue(text.contains("redacted"), text);
    }

    @Test
    void keyStatesAreListedPerKek() {
        KeyVaults vaults = vaults();
        vaults.access(new KekRef("https://vault-a.example", "b", "default"));
        vaults.access(new KekRef("https://vault-a.example", "a", "default"))
                .recordFailure("unwrap", new RuntimeException());
        assertEquals(2, vaults.keyStates().size());
        assertEquals("a", vaults.keyStates().get(0).kek().keyName());
        assertEquals(KeyState.DEGRADED, vaults.keyStates().get(0).state());
        assertEquals(KeyState.AVAILABLE, vaults.keyStates().get(1).state());
    }
}
