package io.strongroom.core.keys;

import io.strongroom.core.activity.ActivityType;
import io.strongroom.crypto.Dek;
import io.strongroom.crypto.DekId;
import io.strongroom.crypto.WrappedDek;
import io.strongroom.vault.KeyId;
import io.vertx.core.Future;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wraps new DEKs under a KEK and unwraps stored ones, through {@link KeyVaults}' KEK providers, recording every
 * outcome in the KEK's {@link KeyAccess}. The only place that touches raw DEK bytes outside {@code crypto}.
 */
public final class DekWrapping {
    /** The one key-wrap algorithm the gateway asks for. */
    public static final String ALGORITHM = "RSA-OAEP-256";

    private final KeyVaults vaults;
    private final ConcurrentHashMap<DekId, Future<Dek>> unwrapsInFlight = new ConcurrentHashMap<>();

    DekWrapping(KeyVaults vaults) {
        this.vaults = vaults;
    }

    /**
     * Wraps {@code dek} under {@code kek} (versioned or latest) as {@code identity}. The result names the versioned
     * key that wrapped it. Fails with the vault-client's KeyVaultException, or a StrongroomException for an unknown vault.
     */
    public Future<WrappedDek> wrap(Dek dek, KeyId kek, String identity) {
        KekProvider client;
        try {
            client = vaults.provider(kek, identity);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        KekRef ref = KekRef.of(kek, vaults.resolveIdentity(identity));
        byte[] keyBytes = dek.insecureKeyBytesForWrapping();
        long started = System.nanoTime();
        // The client may resend the bytes on a retry: zero them only when the call is over.
        return client.wrapKey(kek, ALGORITHM, keyBytes)
                .andThen(ar -> Arrays.fill(keyBytes, (byte) 0))
                .map(result -> {
                    vaults.access(ref)
                            .recordUse(
                                    ActivityType.WRAP,
                                    result.kid().toString(),
                                    dek.id(),
                                    System.nanoTime() - started,
                                    null);
                    return new WrappedDek(
                            dek.id(),
                            result.kid().toString(),
                            result.alg(),
                            result.wrapped(),
                            vaults.clock().instant());
                })
                .onFailure(e -> {
                    KeyAccess inUse = vaults.existingAccess(ref);
                    if (inUse != null) {
                        inUse.recordUse(ActivityType.WRAP, kek.toString(), dek.id(), System.nanoTime() - started, e);
                    }
                });
    }

    /**
     * The DEK of {@code wrapped}, from the cache or unwrapped as {@code identity} and then cached. Concurrent calls
     * for one DEK share one vault call. {@code invocationsSoFar} is the DEK's persisted seal count.
     */
    public Future<Dek> unwrap(WrappedDek wrapped, String identity, long invocationsSoFar) {
        Dek cached = vaults.dekCache().get(wrapped.dekId());
        if (cached != null) {
            return Future.succeededFuture(cached);
        }
        Future<Dek> unwrap = unwrapsInFlight.computeIfAbsent(
                wrapped.dekId(), id -> startUnwrap(wrapped, identity, invocationsSoFar));
        // Registered after computeIfAbsent returns: a call that completed meanwhile (a synchronous failure, or a
        // worker-thread provider that answered at once) runs the removal now, outside the map's update, and the
        // removal takes only this entry, never a newer call's.
        unwrap.onComplete(ar -> unwrapsInFlight.remove(wrapped.dekId(), unwrap));
        return unwrap;
    }

    private Future<Dek> startUnwrap(WrappedDek wrapped, String identity, long invocationsSoFar) {
        Future<Dek> result;
        try {
            KeyId kid = KeyId.parse(wrapped.kekId());
            KeyAccess access = vaults.access(KekRef.of(kid, vaults.resolveIdentity(identity)));
            long started = System.nanoTime();
            result = vaults.provider(kid, identity)
                    .unwrapKey(kid, wrapped.algorithm(), wrapped.wrapped())
                    .map(keyBytes -> vaults.dekCache().put(Dek.adopt(wrapped.dekId(), keyBytes, invocationsSoFar)))
                    .andThen(ar -> access.recordUse(
                            ActivityType.UNWRAP,
                            wrapped.kekId(),
                            wrapped.dekId(),
                            System.nanoTime() - started,
                            ar.failed() ? ar.cause() : null));
        } catch (RuntimeException e) {
            result = Future.failedFuture(e);
        }
        return result;
    }
}
