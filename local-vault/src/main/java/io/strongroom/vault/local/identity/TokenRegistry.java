package io.strongroom.vault.local.identity;

import io.strongroom.vault.local.Digests;
import io.strongroom.vault.local.Identity;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens → identities: the access policy's static tokens plus tokens issued by the token endpoints (random,
 * expiring). Only SHA-256 digests of tokens are kept, so a lookup's timing says nothing useful about a token and a
 * heap dump holds none. An issued token stands for its identity's name: it answers with the identity's current
 * permissions and stops at once when the identity is removed from the policy.
 */
public final class TokenRegistry {
    private record Grant(String identityName, Instant expiresOn) {}

    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final AccessPolicies policies;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public TokenRegistry(AccessPolicies policies, Clock clock) {
        this.policies = policies;
        this.clock = clock;
    }

    public AccessPolicy policy() {
        return policies.current();
    }

    /** The identity a presented token stands for, or null when unknown, expired or no longer in the policy. */
    public Identity lookup(String token) {
        AccessPolicy policy = policies.current();
        Identity configured = policy.byToken(token);
        if (configured != null) {
            return configured;
        }
        String key = Digests.sha256Hex(token);
        Grant grant = grants.get(key);
        if (grant == null) {
            return null;
        }
        if (!clock.instant().isBefore(grant.expiresOn())) {
            grants.remove(key);
            return null;
        }
        return policy.identity(grant.identityName());
    }

    /** A new random token for {@code identity}, valid for {@code lifetime}. */
    public IssuedToken issue(Identity identity, Duration lifetime) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant now = clock.instant();
        Instant expiresOn = now.plus(lifetime);
        grants.put(Digests.sha256Hex(token), new Grant(identity.name(), expiresOn));
        return new IssuedToken(token, now, expiresOn);
    }

    /** Drops expired issued tokens (called periodically so the map does not grow). */
    public void sweep() {
        Instant now = clock.instant();
        grants.values().removeIf(g -> !now.isBefore(g.expiresOn()));
    }

    /** A freshly issued token; {@link #toString()} leaves the token out. */
    public record IssuedToken(String token, Instant notBefore, Instant expiresOn) {
        @Override
        public String toString() {
            return "IssuedToken[expiresOn=" + expiresOn + "]";
        }
    }
}
