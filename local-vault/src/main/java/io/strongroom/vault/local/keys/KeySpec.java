package io.strongroom.vault.local.keys;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** What a create (or rotate) asks for, already validated by the HTTP layer. */
public record KeySpec(
        String kty,
        int keySize,
        List<String> keyOps,
        boolean enabled,
        Instant notBefore,
        Instant expires,
        Map<String, String> tags) {
    public static final List<Integer> RSA_SIZES = List.of(2048, 3072, 4096);
    public static final int DEFAULT_RSA_SIZE = 2048;
    /** Azure's default operations for an RSA key created without key_ops. */
    public static final List<String> DEFAULT_RSA_OPS =
            List.of("encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey");

    public static final List<String> KNOWN_OPS =
            List.of("encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey", "import", "export");
}
