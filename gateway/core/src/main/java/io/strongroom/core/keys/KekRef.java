package io.strongroom.core.keys;

import io.strongroom.vault.KeyId;
import java.util.Objects;

/**
 * One KEK as the key-access state machine sees it: a key (all its versions) in a vault, reached through one
 * identity. Losing a permission or the key itself affects every version, so state is kept per key, not per version.
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

    /** The versionless key identifier URL. */
    public String keyUrl() {
        return vaultUrl + "/keys/" + keyName;
    }

    @Override
    public String toString() {
        return keyUrl() + " as " + identity;
    }
}
