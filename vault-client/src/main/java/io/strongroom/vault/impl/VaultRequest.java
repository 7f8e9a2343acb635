package io.strongroom.vault.impl;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * One logical request to the vault, endpoint-independent.
 *
 * @param pathAndQuery e.g. {@code /keys/k1/abc/unwrapkey?api-version=7.4}
 * @param body         JSON body or null
 * @param operation    latency label: get | list | wrap | unwrap
 */
public record VaultRequest(HttpMethod method, String pathAndQuery, Buffer body, String operation) {
}
