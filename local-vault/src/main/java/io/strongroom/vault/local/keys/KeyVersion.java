package io.strongroom.vault.local.keys;

import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One version of a key: immutable. Times are whole seconds (the wire's unit). The private key is
 * held decrypted in memory (the vault is its holder) and encrypted only at rest.
 */
public record KeyVersion(
        String version,
        String kty,
        int keySize,
        RSAPublicKey publicKey,
        RSAPrivateCrtKey privateKey,
        List<String> keyOps,
        boolean enabled,
        Instant notBefore,
        Instant expires,
        Instant created,
        Instant updated,
        Map<String, String> tags) {

    public KeyVersion {
        keyOps = List.copyOf(keyOps);
        tags = Map.copyOf(tags);
    }

    public KeyVersion withUpdate(KeyUpdate update, Instant now) {
        return new KeyVersion(
                version,
                kty,
                keySize,
                publicKey,
                privateKey,
                update.keyOps() != null ? update.keyOps() : keyOps,
                update.enabled() != null ? update.enabled() : enabled,
                update.notBefore() != null ? update.notBefore().orElse(null) : notBefore,
                update.expires() != null ? update.expires().orElse(null) : expires,
                created,
                now,
                update.tags() != null ? update.tags() : tags);
    }

    /** Never prints key material. */
    @Override
    public String toString() {
        return "KeyVersion[" + version + ", " + kty + " " + keySize + ", enabled=" + enabled + "]";
    }
}
