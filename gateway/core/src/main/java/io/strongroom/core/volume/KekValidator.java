package io.strongroom.core.volume;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.DekWrapping;
import io.strongroom.core.keys.KekProvider;
import io.strongroom.core.keys.KeyVaults;
import io.strongroom.crypto.Dek;
import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyProperties;
import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.VaultErrorClass;
import io.vertx.core.Future;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;

/**
 * Checks a key before it becomes a volume's KEK, one error code per unmet requirement, in this order: the key
 * exists and the identity may read it; RSA ({@code KekNotRsa}); at least 2048 bits ({@code KekTooSmall}); enabled
 * ({@code KekDisabled}); activation date, if set, passed ({@code KekNotYetActive}); expiry, if set, ahead
 * ({@code KekExpired}); a wrap and unwrap round trip of a throw-away DEK works as the identity
 * ({@code KekRoundTripFailed}). A versionless key id resolves to the key's current version, which is what the
 * volume then stores. A vault that cannot be reached or throttles is 503 {@code KeyUnavailable}: the key may be fine.
 */
final class KekValidator {
    static final int MIN_RSA_BITS = 2048;

    private final KeyVaults keys;

    KekValidator(KeyVaults keys) {
        this.keys = keys;
    }

    /** The versioned id of the validated key. {@code identity} must already be resolved. */
    Future<KeyId> validate(KeyId kid, String identity) {
        KekProvider client;
        try {
            client = keys.provider(kid, identity);
        } catch (StrongroomException e) {
            return Future.failedFuture(e);
        }
        return client.getKey(kid)
                .recover(e -> Future.failedFuture(getFailure(kid, identity, e)))
                .compose(p -> {
                    check(kid, p, keys.clock().instant());
                    return roundTrip(client, p.kid(), identity);
                });
    }

    static void check(KeyId kid, KeyProperties p, Instant now) {
        String kty = p.kty();
        if (kty == null || !(kty.equals("RSA") || kty.equals("RSA-HSM"))) {
            throw new StrongroomException(
                    ErrorCode.KekNotRsa, "key " + kid + " is of type " + kty + "; a KEK must be RSA");
        }
        if (p.keySizeBits() < MIN_RSA_BITS) {
            throw new StrongroomException(
                    ErrorCode.KekTooSmall,
                    "key " + kid + " has " + p.keySizeBits() + " bits; a KEK needs at least " + MIN_RSA_BITS);
        }
        if (!p.enabled()) {
            throw new StrongroomException(ErrorCode.KekDisabled, "key " + p.kid() + " is disabled");
        }
        if (p.notBefore() != null && now.isBefore(p.notBefore())) {
            throw new StrongroomException(
                    ErrorCode.KekNotYetActive, "key " + p.kid() + " is not active before " + p.notBefore());
        }
        if (p.expires() != null && !now.isBefore(p.expires())) {
            throw new StrongroomException(ErrorCode.KekExpired, "key " + p.kid() + " expired at " + p.expires());
        }
    }

    /** Wraps and unwraps a fresh DEK that is never used for data; both copies are zeroed whatever happens. */
    private static Future<KeyId> roundTrip(KekProvider client, KeyId versioned, String identity) {
        Dek probe = Dek.generate();
        byte[] original = probe.insecureKeyBytesForWrapping();
        byte[][] back = new byte[1][];
        return client.wrapKey(versioned, DekWrapping.ALGORITHM, original)
                .compose(w -> client.unwrapKey(w.kid(), w.alg(), w.wrapped()))
                .recover(e -> Future.failedFuture(roundTripFailure(versioned, identity, e)))
                .compose(unwrapped -> {
                    back[0] = unwrapped;
                    if (!MessageDigest.isEqual(original, unwrapped)) {
                        return Future.failedFuture(new StrongroomException(
                                ErrorCode.KekRoundTripFailed,
                                "key " + versioned + " unwrapped a test DEK to different bytes"));
                    }
                    return Future.succeededFuture(versioned);
                })
                .andThen(ar -> {
                    Arrays.fill(original, (byte) 0);
                    if (back[0] != null) {
                        Arrays.fill(back[0], (byte) 0);
                    }
                    probe.destroy();
                });
    }

    private static StrongroomException getFailure(KeyId kid, String identity, Throwable e) {
        if (e instanceof StrongroomException g) {
            return g;
        }
        VaultErrorClass cause = classOf(e);
        return switch (cause) {
            case KEY_NOT_FOUND ->
                new StrongroomException(ErrorCode.InvalidArgument, "no key " + kid + " in its vault", e);
            case KEY_DISABLED -> new StrongroomException(ErrorCode.KekDisabled, "key " + kid + " is disabled", e);
            case UNAVAILABLE, THROTTLED ->
                new StrongroomException(
                        ErrorCode.KeyUnavailable,
                        "the vault of " + kid + " cannot be reached now (" + cause + "); retry later",
                        e);
            default ->
                new StrongroomException(
                        ErrorCode.KekRoundTripFailed,
                        "identity '" + identity + "' cannot read key " + kid + ": " + cause,
                        e);
        };
    }

    private static StrongroomException roundTripFailure(KeyId kid, String identity, Throwable e) {
        if (e instanceof StrongroomException g) {
            return g;
        }
        VaultErrorClass cause = classOf(e);
        if (cause == VaultErrorClass.UNAVAILABLE || cause == VaultErrorClass.THROTTLED) {
            return new StrongroomException(
                    ErrorCode.KeyUnavailable,
                    "the vault of " + kid + " cannot be reached now (" + cause + "); retry later",
                    e);
        }
        return new StrongroomException(
                ErrorCode.KekRoundTripFailed,
                "a wrap and unwrap round trip with key " + kid + " as identity '" + identity + "' failed: " + cause,
                e);
    }

    private static VaultErrorClass classOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KeyVaultException kve) {
                return kve.errorClass();
            }
        }
        return VaultErrorClass.UNAVAILABLE;
    }
}
