package io.strongroom.core.keys;

import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyVaultClientOptions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which key vaults the gateway may call and with which identities. Plain data with fluent setters, filled by the
 * config layer. Only listed vaults are ever contacted: a volume naming a KEK in another vault is refused, so a
 * client cannot make the gateway send requests (and tokens) to a host of its choosing.
 */
public class KeyVaultsConfig {
    public static final String DEFAULT_IDENTITY = "default";

    private final Map<String, KeyVaultClientOptions> vaults = new LinkedHashMap<>();
    private final Map<String, IdentityConfig> identities = new LinkedHashMap<>();
    private String defaultIdentity = DEFAULT_IDENTITY;
    private Pkcs11Config pkcs11;

    /** Adds a vault, keyed by its {@code vaultUrl} (the identity that appears in key ids). */
    public KeyVaultsConfig addVault(KeyVaultClientOptions options) {
        Objects.requireNonNull(options.getVaultUrl(), "vaultUrl");
        vaults.put(normalizeVaultUrl(options.getVaultUrl()), options);
        return this;
    }

    public KeyVaultsConfig addIdentity(String name, IdentityConfig identity) {
        identities.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(identity, "identity"));
        return this;
    }

    /** The identity used for volumes that name none (and for the service KEK). */
    public KeyVaultsConfig setDefaultIdentity(String name) {
        this.defaultIdentity = Objects.requireNonNull(name, "name");
        return this;
    }

    /** The PKCS#11 token whose keys ({@code pkcs11:token=…;object=…}) may be KEKs; none by default. */
    public KeyVaultsConfig setPkcs11(Pkcs11Config pkcs11) {
        this.pkcs11 = pkcs11;
        return this;
    }

    public Pkcs11Config getPkcs11() {
        return pkcs11;
    }

    public Map<String, KeyVaultClientOptions> getVaults() {
        return Collections.unmodifiableMap(vaults);
    }

    public Map<String, IdentityConfig> getIdentities() {
        return Collections.unmodifiableMap(identities);
    }

    public String getDefaultIdentity() {
        return defaultIdentity;
    }

    /**
     * The vault URL as it appears in {@link KeyId#vaultUrl()} (lower-case scheme and host, no default port, no
     * trailing slash), so configured vaults and key ids from volumes compare equal.
     */
    static String normalizeVaultUrl(String url) {
        return new KeyId(url, "k", null).vaultUrl();
    }

    @Override
    public String toString() {
        return "KeyVaultsConfig[vaults=" + vaults.keySet() + ", identities=" + identities + ", defaultIdentity="
                + defaultIdentity + (pkcs11 == null ? "" : ", pkcs11=" + pkcs11) + "]";
    }
}
