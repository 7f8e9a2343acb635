package io.strongroom.vault;

import io.vertx.core.Future;

/** Source of bearer tokens for a resource (e.g. {@code https://vault.azure.net}). */
public interface TokenProvider {
    /** A token for the resource; fails with {@link KeyVaultException} (UNAUTHORIZED or UNAVAILABLE). */
    Future<AccessToken> token(String resource);

    /**
     * Tells a caching provider that the vault rejected this token (401), so the next call fetches a
     * fresh one. Only drops the cache entry if it still holds {@code rejected}, so a burst of 401s
     * causes one refresh. Non-caching providers ignore it.
     */
    default void invalidate(String resource, AccessToken rejected) {}

    /** Releases HTTP clients the provider owns. */
    default Future<Void> close() {
        return Future.succeededFuture();
    }
}
