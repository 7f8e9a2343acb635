package io.strongroom.vault.local.identity;

import io.strongroom.vault.local.Identity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens → identities: the configured static tokens plus tokens issued by the token
 * endpoints (random, expiring). Only SHA-256 digests of tokens are kept, so a lookup's timing says
 * nothing useful about a token and a heap dump holds none.
 */
public final class TokenRegistry {
    private record Grant(Identity identity, Instant expiresOn) {}

    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public TokenRegistry(Map<String, Identity> staticTokens, Clock clock) {
        this.clock = clock;
        staticTokens.forEach((token, identity) -> grants.put(digest(token), new Grant(identity, null)));
    }

    /** The identity a presented token stands for, or null when unknown or expired. */
    public Identity lookup(String token) {
        String key = digest(token);
        Grant grant = grants.get(key);
        if (grant == null) {
            return null;
        }
        if (grant.expiresOn() != null && !clock.instant().isBefore(grant.expiresOn())) {
            grants.remove(key);
            return null;
        }
        return grant.identity();
    }

    /** A new random token for {@code identity}, valid for {@code lifetime}. */
    public IssuedToken issue(Identity identity, Duration lifetime) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant now = clock.instant();
        Instant expiresOn = now.plus(lifetime);
        grants.put(digest(token), new Grant(identity, expiresOn));
        return new IssuedToken(token, now, expiresOn);
    }

    /** Drops expired issued tokens (called periodically so the map does not grow). */
    public void sweep() {
        Instant now = clock.instant();
        grants.values().removeIf(g -> g.expiresOn() != null && !now.isBefore(g.expiresOn()));
    }

    private static String digest(String token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /** A freshly issued token; {@link #toString()} leaves the token out. */
    public record IssuedToken(String token, Instant notBefore, Instant expiresOn) {
        @Override
        public String toString() {
            return "IssuedToken[expiresOn=" + expiresOn + "]";
        }
    }
}
