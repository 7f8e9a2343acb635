package io.strongroom.vault.impl;

import io.strongroom.vault.AccessToken;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Parses OAuth2 / IMDS token responses: access_token plus expires_on (epoch seconds) or expires_in. */
public final class TokenResponses {
    private TokenResponses() {}

    /**
     * @throws IllegalArgumentException when the token or its lifetime is missing; the message never
     *                                  contains the token
     */
    public static AccessToken parse(JsonObject body, Instant now) {
        if (body == null) {
            throw new IllegalArgumentException("no JSON body");
        }
        Object token = body.getValue("access_token");
        if (!(token instanceof String s) || s.isEmpty()) {
            throw new IllegalArgumentException("no access_token");
        }
        Long expiresOn = seconds(body.getValue("expires_on"));
        if (expiresOn != null) {
            return new AccessToken(s, Instant.ofEpochSecond(expiresOn));
        }
        Long expiresIn = seconds(body.getValue("expires_in"));
        if (expiresIn != null) {
            return new AccessToken(s, now.plusSeconds(expiresIn));
        }
        throw new IllegalArgumentException("neither expires_on nor expires_in");
    }

    /** A number, or a string of digits (IMDS sends strings); anything else is null. */
    static Long seconds(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof String s && !s.isBlank()) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
