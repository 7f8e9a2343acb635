package io.strongroom.server;

import io.strongroom.core.keys.IdentityConfig;
import io.strongroom.core.keys.KeyVaultsConfig;
import io.strongroom.server.config.GatewayConfig;
import io.strongroom.server.config.VaultConfig;
import io.strongroom.server.config.VaultEndpointConfig;
import io.strongroom.server.config.VaultIdentityConfig;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.VaultEndpoint;
import java.util.Map;

/** Maps the configuration of an external vault and its identities onto the keys package's settings. */
final class ExternalVaults {
    private ExternalVaults() {}

    static Gateway.Vaults from(GatewayConfig config, StartupMaterial material) {
        VaultConfig vault = config.vault();
        KeyVaultClientOptions options = new KeyVaultClientOptions()
                .setVaultUrl(vault.getUrl())
                .setApiVersion(vault.getApiVersion())
                .setTrustPem(material.vaultTrustPem());
        if (vault.getLocalRegion() != null) {
            options.setLocalRegion(vault.getLocalRegion());
        }
        for (VaultEndpointConfig e : vault.getEndpoints()) {
            options.addEndpoint(new VaultEndpoint(e.url(), e.region()));
        }
        KeyVaultsConfig keys = new KeyVaultsConfig().addVault(options).setDefaultIdentity(vault.getIdentity());
        for (Map.Entry<String, VaultIdentityConfig> e : config.identities().entrySet()) {
            keys.addIdentity(
                    e.getKey(),
                    identity(e.getValue(), material.identityTrustPems().get(e.getKey())));
        }
        return new Gateway.Vaults(keys, config.getServiceKek());
    }

    private static IdentityConfig identity(VaultIdentityConfig c, String trustPem) {
        return switch (c.type()) {
            case STATIC -> new IdentityConfig.StaticToken(c.token());
            case MANAGED -> new IdentityConfig.ManagedIdentity(c.endpoint(), c.clientId(), trustPem);
            case CLIENT_CREDENTIALS ->
                new IdentityConfig.ClientCredentials(
                        c.endpoint(), c.tenant(), c.clientId(), c.clientSecret(), trustPem);
        };
    }
}
