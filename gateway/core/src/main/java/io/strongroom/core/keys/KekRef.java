package io.strongroom.core.keys;

import io.strongroom.vault.KeyId;
import java.util.Objects;

/**
 * One KEK as the key-access state machine sees it: a key (all its versions) in a vault or a PKCS#11 token
 * ({@code vaultUrl} {@code pkcs11:token=…}), reached through one identity (meaningless to a token, kept alike).
 * Losing a permission or the key itself affects every version, so state is kept per key, not per version.
 */
public record KekRef(String vaultUrl, String keyName, String identity) {
    public KekRef {
        Objects.requireNonNull(vaultUrl, "vaultUrl");
        Objects.requireNonNull(keyName, "keyName");
        Objects.requireNonNull(identity, "identity");
        vaultUrl = KeyVaultsConfig.normalizeVaultUrl(vaultUrl);
    }

    public static KekRef of(KeyId kid, String identity) {
        return new KekRef(kid.vaultUrl(), kid.name(), identity);
    }

    /** The versionless key identifier URL (or PKCS#11 URI). */
    public String keyUrl() {
        return new KeyId(vaultUrl, keyName, null).toString();
    }

    @Override
    public String toString() {
        return keyUrl() + " as " + identity;
    }
}
