package io.strongroom.vault.impl;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.Set;

/**
 * One logical request to the vault, endpoint-independent.
 *
 * @param pathAndQuery e.g. {@code /keys/k1/abc/unwrapkey?api-version=7.4}
 * @param body         JSON body or null
 * @param operation    latency label: get | list | wrap | unwrap | create | rotate | delete
 */
public record VaultRequest(HttpMethod method, String pathAndQuery, Buffer body, String operation) {
    /** Operations that generate a key: seconds for RSA 4096 or HSM keys, however healthy the vault. */
    public static final Set<String> KEY_GENERATING = Set.of("create", "rotate");

    /**
     * Whether an attempt may use the whole remaining deadline instead of the attempt timeout: an
     * attempt cut short while the vault is still generating would be retried and create another version.
     */
    public boolean generatesKey() {
        return KEY_GENERATING.contains(operation);
    }
}
