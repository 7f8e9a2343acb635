package io.strongroom.server;

import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.VaultEndpoint;
import io.strongroom.vault.local.LocalVault;
import java.util.List;

/** vault-client options that reach a running local-vault: its URL, its loopback endpoint and region, its certificate. */
public final class LocalVaultClientOptions {
    private LocalVaultClientOptions() {}

    /** Fresh options for {@code vault}, with vault-client's default deadlines; the caller may change any of them. */
    public static KeyVaultClientOptions reaching(LocalVault vault) {
        return new KeyVaultClientOptions()
                .setVaultUrl(vault.vaultUrl())
                .setEndpoints(List.of(new VaultEndpoint(vault.baseUrl(), vault.region())))
                .setLocalRegion(vault.region())
                .setTrustPem(vault.certificatePem());
    }
}
