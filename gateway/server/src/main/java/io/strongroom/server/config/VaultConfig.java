package io.strongroom.server.config;

import io.strongroom.core.keys.KeyVaultsConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The key vault holding the KEKs. Without a {@code url} the gateway starts its embedded local-vault and a
 * service KEK in it (the "service-managed key"); with one, it talks to that external vault.
 */
public class VaultConfig {
    public static final String DEFAULT_API_VERSION = "7.4";
    public static final String DEFAULT_IDENTITY = KeyVaultsConfig.DEFAULT_IDENTITY;

    private String url;
    private List<VaultEndpointConfig> endpoints = new ArrayList<>();
    private String localRegion;
    private Path trustPemPath;
    private String apiVersion = DEFAULT_API_VERSION;
    private String identity = DEFAULT_IDENTITY;

    /** True when no external vault is configured: the gateway runs local-vault in-process. */
    public boolean embedded() {
        return url == null;
    }

    public String getUrl() {
        return url;
    }

    /** The vault's identity as it appears in key identifiers, e.g. https://myvault.vault.azure.net. */
    public VaultConfig setUrl(String url) {
        this.url = url;
        return this;
    }

    public List<VaultEndpointConfig> getEndpoints() {
        return endpoints;
    }

    /** Where requests go, with their regions; empty = the vault URL itself in the local region. */
    public VaultConfig setEndpoints(List<VaultEndpointConfig> endpoints) {
        this.endpoints = new ArrayList<>(endpoints);
        return this;
    }

    public String getLocalRegion() {
        return localRegion;
    }

    public VaultConfig setLocalRegion(String localRegion) {
        this.localRegion = localRegion;
        return this;
    }

    public Path getTrustPemPath() {
        return trustPemPath;
    }

    /** PEM CA certificates trusted for the vault's TLS; null = the JVM's default trust store. */
    public VaultConfig setTrustPemPath(Path trustPemPath) {
        this.trustPemPath = trustPemPath;
        return this;
    }

    public String getApiVersion() {
        return apiVersion;
    }

    public VaultConfig setApiVersion(String apiVersion) {
        this.apiVersion = apiVersion;
        return this;
    }

    public String getIdentity() {
        return identity;
    }

    /** Name (in {@code identities}) of the identity used for the service KEK and volumes that name none. */
    public VaultConfig setIdentity(String identity) {
        this.identity = identity;
        return this;
    }
}
