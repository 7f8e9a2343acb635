package io.strongroom.core.volume;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.KekRef;
import io.strongroom.core.keys.KeyVaults;
import io.strongroom.crypto.Dek;
import io.strongroom.crypto.DekId;
import io.strongroom.crypto.WrappedDek;
import io.strongroom.vault.KeyId;
import io.vertx.core.Future;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Changes the KEK of a live volume: another version of its key, another key, vault or identity, the service key
 * or a customer key, in either direction.
 *
 * <p>Only the wrapping changes: every DEK of the volume (plaintext, from the cache) is wrapped again under the new
 * KEK, and the new keyring replaces the old one in one metadata write ({@link Volume#commit}). No block is
 * re-encrypted, and requests never wait for it: they use the DEKs, which are the same before and after. A crash
 * before the write leaves the old document (old KEK, still able to unwrap), after it the new one; the document is
 * replaced whole, so never a mix. From then on the old KEK is not needed: nothing the volume stores was wrapped by it.
 */
final class KekRotation {
    private static final System.Logger LOG = System.getLogger(KekRotation.class.getName());

    private final KeyVaults keys;
    private final KekValidator validator;
    private final VolumeServiceOptions options;
    private final KeyEvents events;

    KekRotation(KeyVaults keys, KekValidator validator, VolumeServiceOptions options, KeyEvents events) {
        this.keys = keys;
        this.validator = validator;
        this.options = options;
        this.events = events;
    }

    /** Validates the new KEK, then re-wraps and commits; completes when the new document is durable. */
    Future<Void> change(Volume v, KekChange change) {
        KeyId target;
        String identity;
        try {
            boolean service = change.kek() == null || KekChange.SERVICE_KEK.equals(change.kek());
            if (service && change.identity() != null) {
                throw new StrongroomException(
                        ErrorCode.InvalidArgument, "identity applies only together with a customer kek");
            }
            target = parse(service ? options.getServiceKekId() : change.kek());
            identity = keys.resolveIdentity(service ? options.getServiceKekIdentity() : change.identity());
            keys.provider(target, identity);
        } catch (StrongroomException e) {
            return Future.failedFuture(e);
        }
        long validating = System.nanoTime();
        return validator
                .validate(target, identity)
                .andThen(ar -> events.validation(
                        v.name(),
                        target.toString(),
                        identity,
                        (System.nanoTime() - validating) / 1_000_000,
                        ar.cause()))
                .compose(versioned -> v.serialKeyChange(() -> rewrap(
                        v,
                        versioned,
                        identity,
                        change.autoFollow() == null ? v.autoFollow() : change.autoFollow(),
                        "set")));
    }

    /**
     * Re-wraps every DEK of {@code v} under {@code versioned} and commits. Call inside {@link Volume#serialKeyChange}
     * so the DEK set cannot change meanwhile.
     */
    Future<Void> rewrap(Volume v, KeyId versioned, String identity, boolean autoFollow, String reason) {
        VolumeKeyring current = v.keyring();
        String from = current.kekId();
        if (v.isDeleted()) {
            return Future.failedFuture(VolumeErrors.notFound(v.name()));
        }
        List<Future<WrappedDek>> wraps = new ArrayList<>();
        for (VolumeKeyring.VolumeDek d : current.deks()) {
            Dek dek = keys.dekCache().get(d.id());
            if (dek == null) {
                return Future.failedFuture(
                        VolumeErrors.keyUnavailable(v, "a DEK must be unwrapped before its KEK changes"));
            }
            wraps.add(keys.wrapping().wrap(dek, versioned, identity));
        }
        long started = System.nanoTime();
        return Future.all(wraps)
                .recover(e -> Future.failedFuture(VolumeErrors.fromWrap(versioned.toString(), true, e)))
                .compose(all -> {
                    Map<DekId, WrappedDek> rewrapped = new LinkedHashMap<>();
                    wraps.forEach(f -> rewrapped.put(f.result().dekId(), f.result()));
                    VolumeKeyring next = current.rewrapped(
                            versioned.toString(), identity, keys.access(KekRef.of(versioned, identity)), rewrapped);
                    return v.commit(current, next, autoFollow, v.reseal())
                            .recover(e -> Future.failedFuture(VolumeErrors.fromStore(v.name(), e)));
                })
                .andThen(ar -> {
                    long millis = (System.nanoTime() - started) / 1_000_000;
                    if (ar.succeeded()) {
                        LOG.log(
                                Level.INFO,
                                "volume {0}: KEK changed ({1}) from {2} to {3} as {4}; {5} DEKs re-wrapped in {6} ms",
                                v.name(),
                                reason,
                                from,
                                versioned,
                                identity,
                                String.valueOf(wraps.size()),
                                String.valueOf(millis));
                    } else {
                        LOG.log(
                                Level.WARNING,
                                "volume {0}: KEK change ({1}) to {2} failed, the volume keeps {3}: {4}",
                                v.name(),
                                reason,
                                versioned,
                                from,
                                ar.cause().getMessage());
                    }
                    events.rotation(v, from, versioned.toString(), identity, reason, millis, ar.cause());
                })
                .mapEmpty();
    }

    /**
     * Auto-follow: asks the vault for the current version of the volume's key and re-wraps under it when it differs
     * from the version in use (validated like any new KEK). No-op when the volume already uses it.
     */
    Future<Void> followLatest(Volume v) {
        VolumeKeyring current = v.keyring();
        KeyId inUse = KeyId.parse(current.kekId());
        KeyId latest = inUse.versionless();
        String identity = current.identity();
        return keys.provider(latest, identity).getKey(latest).compose(p -> {
            if (p.kid().equals(inUse) || !p.kid().hasVersion()) {
                return Future.succeededFuture();
            }
            return validator
                    .validate(p.kid(), identity)
                    .compose(versioned -> v.serialKeyChange(() -> {
                        if (!v.autoFollow() || !v.keyring().kekId().equals(current.kekId())) {
                            return Future.succeededFuture(); // changed by an admin meanwhile: that choice wins
                        }
                        return rewrap(v, versioned, identity, true, "auto-follow");
                    }));
        });
    }

    private static KeyId parse(String text) {
        try {
            return KeyId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new StrongroomException(
                    ErrorCode.InvalidArgument, "kek must be a key identifier URL: " + e.getMessage());
        }
    }
}
