package io.strongroom.vault;

import java.time.Instant;
import java.util.Objects;

/** A bearer token and when it expires. toString() never prints the token. */
public record AccessToken(String token, Instant expiresOn) {
    public AccessToken {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(expiresOn, "expiresOn");
    }

    @Override
    public String toString() {
        return "AccessToken[expiresOn=" + expiresOn + "]";
    }
}
