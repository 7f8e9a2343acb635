package io.strongroom.vault;

import java.time.Instant;
import java.util.List;

/**
 * Public properties of a key version. From list calls Azure returns no key material, so there
 * {@code kty} is null, {@code keySizeBits} is 0 and {@code keyOps} is empty.
 *
 * @param keySizeBits bits of the RSA modulus {@code n} (unsigned big-endian), 0 when unknown
 */
public record KeyProperties(
        KeyId kid,
        String kty,
        int keySizeBits,
        List<String> keyOps,
        boolean enabled,
        Instant notBefore,
        Instant expires,
        Instant created,
        Instant updated,
        String recoveryLevel,
        Integer recoverableDays) {
    public KeyProperties {
        keyOps = keyOps == null ? List.of() : List.copyOf(keyOps);
    }
}
