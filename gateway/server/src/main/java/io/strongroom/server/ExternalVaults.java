package io.strongroom.server;

import io.strongroom.core.keys.KeyVaultsConfig;
import io.strongroom.server.config.GatewayConfig;
import io.strongroom.server.config.VaultConfig;
import io.strongroom.server.config.VaultEndpointConfig;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.VaultEndpoint;

/** Maps the configuration of an external vault and its identities onto the keys package's settings. */
final class ExternalVaults {
    private ExternalVaults() {}

    static Gateway.Vaults from(GatewayConfig config, StartupMaterial material) {
        VaultConfig vault = config.vault();
        KeyVaultClientOptions options = vault.applyDeadlines(new KeyVaultClientOptions()
                .setVaultUrl(vault.getUrl())
                .setApiVersion(vault.getApiVersion())
                .setTrustPem(material.vaultTrustPem()));
        if (vault.getLocalRegion() != null) {
            options.setLocalRegion(vault.getLocalRegion());
        }
        for (VaultEndpointConfig e : vault.getEndpoints()) {
            options.addEndpoint(new VaultEndpoint(e.url(), e.region()));
        }
        KeyVaultsConfig keys = new KeyVaultsConfig().addVault(options).setDefaultIdentity(vault.getIdentity());
        config.identities().forEach(keys::addIdentity);
        return new Gateway.Vaults(keys, config.getServiceKek());
    }
}
