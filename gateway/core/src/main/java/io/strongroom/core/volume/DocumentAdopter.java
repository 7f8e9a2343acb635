package io.strongroom.core.volume;

import io.strongroom.core.keys.KekRef;
import io.strongroom.core.keys.KeyVaults;
import io.strongroom.crypto.DekId;
import io.strongroom.vault.KeyId;
import io.vertx.core.Future;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Takes in a volume document that another gateway over the same store may have written (docs/SCALE-OUT.md,
 * "Volumes across gateways"). With the same keys as this gateway's, only the seal reservations are adopted (each
 * DEK counts from at least the persisted reservation). With other keys (another gateway rotated the KEK, rolled the
 * DEK over or finished a re-seal), the keyring the document describes replaces the volume's whole: its new DEKs are
 * unwrapped first (a failure leaves them to the usual retry on the next request), and the DEKs it no longer names
 * are destroyed once no request that saw them is left. A key change of this gateway that happened after the
 * document was read is newer than it, so the document is then ignored.
 */
final class DocumentAdopter {
    private static final System.Logger LOG = System.getLogger(DocumentAdopter.class.getName());

    private final KeyVaults keys;

    DocumentAdopter(KeyVaults keys) {
        this.keys = keys;
    }

    /**
     * Adopts {@code persisted}, the document of {@code v} read when its key state had changed {@code changesBefore}
     * times ({@link Volume#keyStateChanges()}).
     */
    Future<Void> adopt(Volume v, VolumeMetadata persisted, long changesBefore) {
        if (!persisted.id().equals(v.id())) {
            return Future.failedFuture(new IllegalArgumentException(
                    "the document of volume " + v.id() + " describes volume " + persisted.id()));
        }
        VolumeKeyring current = v.keyring();
        if (sameKeyState(v, current, persisted)) {
            v.adoptReservations(persisted);
            return Future.succeededFuture();
        }
        VolumeKeyring next = VolumeKeyring.of(
                persisted, false, keys.access(KekRef.of(KeyId.parse(persisted.kekId()), persisted.identity())));
        List<Future<?>> unwraps = new ArrayList<>();
        for (VolumeKeyring.VolumeDek d : next.deks()) {
            unwraps.add(keys.wrapping()
                    .unwrap(d.wrapped(), next.identity(), d.budget().claimed()));
        }
        return Future.join(unwraps).transform(unwrapped -> {
            Future<Void> drained = v.adopt(next, persisted, changesBefore);
            if (drained == null) {
                destroyUnused(idsOf(next), v.keyring());
                return Future.succeededFuture();
            }
            LOG.log(
                    Level.INFO,
                    "volume {0}: took in the keys another gateway set: KEK {1}, active DEK {2}, DEKs {3} (were KEK {4},"
                            + " DEKs {5})",
                    v.name(),
                    next.kekId(),
                    next.active().id(),
                    idsOf(next),
                    current.kekId(),
                    idsOf(current));
            drained.onComplete(x -> destroyUnused(idsOf(current), v.keyring()));
            if (v.isDeleted()) {
                destroyUnused(idsOf(next), null);
            }
            return Future.succeededFuture();
        });
    }

    /** Same KEK version and identity, same DEKs with the same active one, same auto-follow and clone state. */
    private static boolean sameKeyState(Volume v, VolumeKeyring current, VolumeMetadata persisted) {
        boolean cloneDoneElsewhere = v.isCloning()
                && persisted.origin() != null
                && persisted.origin().finished();
        return current.kekId().equals(persisted.kekId())
                && Objects.equals(current.identity(), persisted.identity())
                && current.active().id().equals(persisted.activeDek())
                && idsOf(current)
                        .equals(persisted.deks().stream()
                                .map(r -> r.wrapped().dekId())
                                .collect(Collectors.toSet()))
                && v.autoFollow() == persisted.autoFollow()
                && !cloneDoneElsewhere;
    }

    /** Destroys the DEKs among {@code ids} that {@code inUse} (null: none) does not hold. */
    private void destroyUnused(Set<DekId> ids, VolumeKeyring inUse) {
        ids.stream()
                .filter(id -> inUse == null || inUse.dek(id) == null)
                .forEach(id -> keys.dekCache().destroy(id));
    }

    private static Set<DekId> idsOf(VolumeKeyring keyring) {
        return keyring.deks().stream().map(VolumeKeyring.VolumeDek::id).collect(Collectors.toSet());
    }
}
