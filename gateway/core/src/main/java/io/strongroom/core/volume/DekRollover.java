package io.strongroom.core.volume;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.KeyVaults;
import io.strongroom.crypto.Dek;
import io.strongroom.vault.KeyId;
import io.vertx.core.Future;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replaces a volume's active DEK by a new one: on demand, before the active one reaches
 * {@link VolumeServiceOptions#getRolloverAtSeals()} (counted with the persisted reservations, so restarts do not
 * reset it) or, optionally, when it is older than {@link VolumeServiceOptions#getDekMaxAge()}.
 *
 * <p>The new DEK is generated, wrapped under the volume's current KEK and committed as the active one, next to the
 * older DEKs, together with a fresh re-seal progress (one metadata write). Writes use it from the moment the keyring
 * is swapped; blocks under older DEKs stay readable, since each slot names its DEK. Once every request that saw the
 * old keyring is over (no write sealed by the old DEK can land behind the scan), the {@link ResealPass} moves the
 * old blocks to the new DEK and finally drops the old DEKs. A crash before the commit leaves the old active DEK
 * and no trace of the new one (it never sealed anything); after it, start-up resumes the pass. A volume with
 * snapshots keeps its older DEKs after the pass, for reading the snapshots' blocks sealed under them (never for
 * sealing), until its last snapshot is deleted (docs/SNAPSHOTS.md).
 */
final class DekRollover {
    private static final System.Logger LOG = System.getLogger(DekRollover.class.getName());

    private final KeyVaults keys;
    private final VolumeServiceOptions options;
    private final KeyEvents events;
    private final ResealPass reseal;
    private final Set<Volume> automaticPending = ConcurrentHashMap.newKeySet();

    DekRollover(KeyVaults keys, VolumeServiceOptions options, KeyEvents events, ResealPass reseal) {
        this.keys = keys;
        this.options = options;
        this.events = events;
        this.reseal = reseal;
    }

    /** Rolls over now; RolloverInProgress while the re-seal of the previous rollover runs. */
    Future<Void> rollover(Volume v, String reason) {
        return v.serialKeyChange(() -> commitNewDek(v, reason))
                .onSuccess(drained -> drained.onComplete(x -> reseal.start(v)))
                .mapEmpty();
    }

    /** Starts a rollover in the background if the active DEK is due (by use or age), at most one at a time. */
    void maybeAutomatic(Volume v) {
        VolumeKeyring.VolumeDek active = v.keyring().active();
        boolean byUse = active.budget().claimed() >= options.getRolloverAtSeals();
        boolean byAge = options.getDekMaxAge() != null
                && !active.created()
                        .plus(options.getDekMaxAge())
                        .isAfter(keys.clock().instant());
        if ((!byUse && !byAge) || v.reseal() != null || v.isDeleted() || !automaticPending.add(v)) {
            return;
        }
        String reason = byUse ? "automatic, " + active.budget().claimed() + " seals" : "automatic, age";
        rollover(v, reason)
                .onFailure(e -> LOG.log(
                        Level.WARNING,
                        "volume {0}: automatic DEK rollover failed, retried later: {1}",
                        v.name(),
                        e.getMessage()))
                .onComplete(x -> automaticPending.remove(v));
    }

    private Future<Future<Void>> commitNewDek(Volume v, String reason) {
        if (v.isDeleted()) {
            return Future.failedFuture(VolumeErrors.notFound(v.name()));
        }
        if (v.reseal() != null) {
            return Future.failedFuture(new StrongroomException(
                    ErrorCode.RolloverInProgress,
                    "volume " + v.name()
                            + " is still re-sealing the blocks of its previous rollover; retry when it is done"));
        }
        VolumeKeyring current = v.keyring();
        KeyId kek = KeyId.parse(current.kekId());
        Dek fresh = Dek.generate();
        Instant now = keys.clock().instant();
        return keys.wrapping()
                .wrap(fresh, kek, current.identity())
                .recover(e -> Future.failedFuture(VolumeErrors.fromWrap(kek.toString(), false, e)))
                .compose(wrapped -> {
                    keys.dekCache().put(fresh); // before the swap: the first write under the new keyring finds it
                    VolumeKeyring next = current.withActive(
                            new VolumeKeyring.VolumeDek(wrapped, new DekBudget(0, DekBudget.RESERVATION_STEP), now));
                    return v.commit(current, next, v.autoFollow(), ResealProgress.start(now))
                            .recover(e -> Future.failedFuture(VolumeErrors.fromStore(v.name(), e)));
                })
                .andThen(ar -> {
                    if (ar.succeeded()) {
                        LOG.log(
                                Level.INFO,
                                "volume {0}: DEK rollover ({1}), new active DEK {2}; re-sealing the older blocks",
                                v.name(),
                                reason,
                                fresh.id());
                    } else {
                        keys.dekCache().destroy(fresh.id());
                        fresh.destroy();
                    }
                    events.rollover(v, fresh.id().toString(), reason, ar.cause());
                });
    }
}
