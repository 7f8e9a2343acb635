package io.strongroom.core.keys;

import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyProperties;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.WrapResult;
import io.vertx.core.Future;

/**
 * Where a KEK lives, as the volume layer asks it: describe (type, size, enabled, dates, key operations), wrap and
 * unwrap. {@link KeyVaults#provider} picks one by the key id: {@code https://…/keys/…} is a key vault (its
 * {@link KeyVaultClient}), {@code pkcs11:token=…;object=…} the PKCS#11 token ({@link Pkcs11KekProvider}). Every
 * provider fails with a {@link io.strongroom.vault.KeyVaultException} whose {@link io.strongroom.vault.VaultErrorClass}
 * says why, so the key-access rule classifies its losses as it does a vault's.
 */
public interface KekProvider {
    Future<KeyProperties> getKey(KeyId kid);

    /** Wraps with the given or latest version; the result carries the versioned id that wrapped. */
    Future<WrapResult> wrapKey(KeyId kid, String alg, byte[] keyBytes);

    /** Unwraps; the caller owns (and zeroes) the result. */
    Future<byte[]> unwrapKey(KeyId kid, String alg, byte[] wrapped);

    /** A vault client as a provider. */
    static KekProvider of(KeyVaultClient client) {
        return new KekProvider() {
            @Override
            public Future<KeyProperties> getKey(KeyId kid) {
                return client.getKey(kid);
            }

            @Override
            public Future<WrapResult> wrapKey(KeyId kid, String alg, byte[] keyBytes) {
                return client.wrapKey(kid, alg, keyBytes);
            }

            @Override
            public Future<byte[]> unwrapKey(KeyId kid, String alg, byte[] wrapped) {
                return client.unwrapKey(kid, alg, wrapped);
            }
        };
    }
}
