package io.strongroom.server.e2e;

import io.strongroom.core.testkit.Await;
import io.strongroom.vault.CreateKeyOptions;
import io.strongroom.vault.KeyProperties;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.StaticTokenProvider;
import io.strongroom.vault.VaultEndpoint;
import io.strongroom.vault.local.LocalVault;
import io.vertx.core.Vertx;
import java.util.List;

/** What a vault's operator does before a gateway uses it: create the keys (the gateway itself may not). */
final class VaultKeys {
    private VaultKeys() {}

    /** Creates an RSA 2048 wrapping key as the identity with {@code token}; returns the created version. */
    static KeyProperties create(Vertx vertx, LocalVault vault, String token, String name) {
        StaticTokenProvider tokens = new StaticTokenProvider(token);
        KeyVaultClient client = KeyVaultClient.create(
                vertx,
                new KeyVaultClientOptions()
                        .setVaultUrl(vault.vaultUrl())
                        .setEndpoints(List.of(new VaultEndpoint(vault.baseUrl(), vault.region())))
                        .setLocalRegion(vault.region())
                        .setTrustPem(vault.certificatePem()),
                tokens);
        try {
            return Await.result(client.createKey(name, new CreateKeyOptions()));
        } finally {
            Await.result(client.close());
        }
    }
}
