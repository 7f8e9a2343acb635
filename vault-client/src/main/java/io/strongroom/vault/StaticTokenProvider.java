package io.strongroom.vault;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Objects;

/** A fixed token (tests, or tokens obtained out of band). */
public final class StaticTokenProvider implements TokenProvider {
    private final AccessToken token;

    /** A token that never expires as far as the client is concerned. */
    public StaticTokenProvider(String token) {
        this(new AccessToken(token, Instant.parse("9999-12-31T23:59:59Z")));
    }

    public StaticTokenProvider(AccessToken token) {
        this.token = Objects.requireNonNull(token, "token");
    }

    @Override
    public Future<AccessToken> token(String resource) {
        return Future.succeededFuture(token);
    }

    @Override
    public String toString() {
        return "StaticTokenProvider[" + token + "]";
    }
}
