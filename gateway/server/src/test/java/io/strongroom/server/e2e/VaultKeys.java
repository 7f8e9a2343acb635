package io.strongroom.server.e2e;

import io.strongroom.core.testkit.Await;
import io.strongroom.server.LocalVaultClientOptions;
import io.strongroom.vault.CreateKeyOptions;
import io.strongroom.vault.KeyProperties;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.StaticTokenProvider;
import io.strongroom.vault.local.LocalVault;
import io.vertx.core.Vertx;

/** What a vault's operator does before a gateway uses it: create the keys (the gateway itself may not). */
final class VaultKeys {
    private VaultKeys() {}

    /** Creates an RSA 2048 wrapping key as the identity with {@code token}; returns the created version. */
    static KeyProperties create(Vertx vertx, LocalVault vault, String token, String name) {
        StaticTokenProvider tokens = new StaticTokenProvider(token);
        KeyVaultClient client = KeyVaultClient.create(vertx, LocalVaultClientOptions.reaching(vault), tokens);
        try {
            return Await.result(client.createKey(name, new CreateKeyOptions()));
        } finally {
            Await.result(client.close());
        }
    }
}
