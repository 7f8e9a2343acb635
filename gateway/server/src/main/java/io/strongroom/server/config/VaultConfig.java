package io.strongroom.server.config;

import io.strongroom.core.keys.KeyVaultsConfig;
import io.strongroom.vault.KeyVaultClientOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.SecretKey;

/**
 * The key vault holding the KEKs. Without a {@code url} the gateway starts its embedded local-vault and a
 * service KEK in it (the "service-managed key"); with one, it talks to that external vault.
 */
public class VaultConfig {
    public static final String DEFAULT_API_VERSION = "7.4";
    public static final String DEFAULT_IDENTITY = KeyVaultsConfig.DEFAULT_IDENTITY;
    public static final Duration DEFAULT_CALL_DEADLINE = KeyVaultClientOptions.DEFAULT_CALL_DEADLINE;
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = KeyVaultClientOptions.DEFAULT_ATTEMPT_TIMEOUT;
    public static final int DEFAULT_MAX_RETRIES = KeyVaultClientOptions.DEFAULT_MAX_RETRIES;
    /** More retries than this within one deadline only hammer a failing vault. */
    public static final int MAX_RETRIES_LIMIT = 100;

    private String url;
    private List<VaultEndpointConfig> endpoints = new ArrayList<>();
    private String localRegion;
    private Path trustPemPath;
    private String apiVersion = DEFAULT_API_VERSION;
    private String identity = DEFAULT_IDENTITY;
    private Duration callDeadline = DEFAULT_CALL_DEADLINE;
    private Duration attemptTimeout = DEFAULT_ATTEMPT_TIMEOUT;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Path masterKeyFile;
    private Path credentialsDirectory;
    private SecretKey masterKey;

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

    public Duration getCallDeadline() {
        return callDeadline;
    }

    /**
     * Bounds one vault call: every attempt, backoff and token fetch. A call that runs out of it fails UNAVAILABLE,
     * which the key-access rule counts as a failure of the KEK (the grace period runs; see docs/KEY-ACCESS.md).
     */
    public VaultConfig setCallDeadline(Duration callDeadline) {
        this.callDeadline = callDeadline;
        return this;
    }

    public Duration getAttemptTimeout() {
        return attemptTimeout;
    }

    /** Bounds one attempt, connection and TLS handshake included; capped by what is left of the call deadline. */
    public VaultConfig setAttemptTimeout(Duration attemptTimeout) {
        this.attemptTimeout = attemptTimeout;
        return this;
    }

    public int getMaxRetries() {
        return maxRetries;
    }

    /** Retries of a call after an UNAVAILABLE or THROTTLED attempt, within its deadline (0 = one attempt only). */
    public VaultConfig setMaxRetries(int maxRetries) {
        this.maxRetries = maxRetries;
        return this;
    }

    public Path getMasterKeyFile() {
        return masterKeyFile;
    }

    /** The embedded vault's master key file (32 bytes, base64); created with mode 0600 on a first start. */
    public VaultConfig setMasterKeyFile(Path masterKeyFile) {
        this.masterKeyFile = masterKeyFile;
        return this;
    }

    public Path getCredentialsDirectory() {
        return credentialsDirectory;
    }

    /** systemd's {@code $CREDENTIALS_DIRECTORY}: its {@code strongroom-master-key}, if there, is the master key. */
    public VaultConfig setCredentialsDirectory(Path credentialsDirectory) {
        this.credentialsDirectory = credentialsDirectory;
        return this;
    }

    /** The embedded vault's master key given as a value (a secret: never logged or shown). */
    public SecretKey getMasterKey() {
        return masterKey;
    }

    public VaultConfig setMasterKey(SecretKey masterKey) {
        this.masterKey = masterKey;
        return this;
    }

    /** Sets the configured deadline, attempt timeout and retries on {@code options}; returns them. */
    public KeyVaultClientOptions applyDeadlines(KeyVaultClientOptions options) {
        return options.setCallDeadline(callDeadline)
                .setAttemptTimeout(attemptTimeout)
                .setMaxRetries(maxRetries);
    }

    /** Throws {@link ConfigException} for a deadline or timeout that is not positive, or retries out of range. */
    void validateDeadlines() {
        if (callDeadline == null || callDeadline.isZero() || callDeadline.isNegative()) {
            throw ConfigException.invalid(
                    Settings.VAULT_CALL_DEADLINE, String.valueOf(callDeadline), "a positive duration");
        }
        if (attemptTimeout == null || attemptTimeout.isZero() || attemptTimeout.isNegative()) {
            throw ConfigException.invalid(
                    Settings.VAULT_ATTEMPT_TIMEOUT, String.valueOf(attemptTimeout), "a positive duration");
        }
        if (maxRetries < 0 || maxRetries > MAX_RETRIES_LIMIT) {
            throw ConfigException.invalid(
                    Settings.VAULT_MAX_RETRIES, Integer.toString(maxRetries), "an integer 0.." + MAX_RETRIES_LIMIT);
        }
    }
}
