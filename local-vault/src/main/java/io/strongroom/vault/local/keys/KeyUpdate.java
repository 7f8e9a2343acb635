package io.strongroom.vault.local.keys;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A PATCH of a key version's attributes. A null field is left unchanged; for nbf and exp an empty
 * Optional clears the value (JSON null), a present one sets it.
 */
public record KeyUpdate(
        Boolean enabled,
        Optional<Instant> notBefore,
        Optional<Instant> expires,
        List<String> keyOps,
        Map<String, String> tags) {}
