package io.strongroom.core.volume;

import io.strongroom.core.keys.KeyVaults;
import io.strongroom.core.store.BlockStore;
import io.strongroom.crypto.BlockSealer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The key changes of the service's volumes in one place: KEK changes ({@link KekRotation}), DEK rollovers
 * ({@link DekRollover}) with their re-seal ({@link ResealPass}), and the key watch that runs on
 * {@link VolumeServiceOptions#getKeyWatchInterval()}: auto-follow, rollover by age or use, restart of a paused
 * re-seal.
 */
final class VolumeKeyChanges {
    private static final System.Logger LOG = System.getLogger(VolumeKeyChanges.class.getName());

    private final Vertx vertx;
    private final VolumeServiceOptions options;
    private final KekRotation rotation;
    private final ResealPass reseal;
    private final DekRollover rollover;
    private long watchTimer = -1;

    VolumeKeyChanges(
            Vertx vertx,
            EventLoops loops,
            BlockStore store,
            BlockSealer sealer,
            KeyVaults keys,
            KekValidator validator,
            VolumeServiceOptions options,
            BooleanSupplier closed) {
        this.vertx = vertx;
        this.options = options;
        KeyEvents events = new KeyEvents(keys::activityLog, keys.clock());
        this.rotation = new KekRotation(keys, validator, options, events);
        this.reseal = new ResealPass(vertx, loops, store, sealer, keys, options, events, closed);
        this.rollover = new DekRollover(keys, options, events, reseal);
    }

    /** After start-up: resumes the re-seals a stop or crash interrupted and starts the key watch. */
    void start(Supplier<Collection<Volume>> volumes) {
        volumes.get().forEach(reseal::start);
        watchTimer = vertx.setPeriodic(options.getKeyWatchInterval().toMillis(), t -> watch(volumes.get()));
    }

    void stop() {
        vertx.cancelTimer(watchTimer);
    }

    Future<Void> changeKek(Volume v, KekChange change) {
        return rotation.change(v, change);
    }

    Future<Void> rollover(Volume v) {
        return rollover.rollover(v, "on demand");
    }

    /** After each successful write: a rollover when the active DEK is due (a cheap check otherwise). */
    void afterWrite(Volume v) {
        rollover.maybeAutomatic(v);
    }

    /** The re-seal progress as the API shows it, or null when none is pending. */
    VolumeInfo.Rollover rolloverState(Volume v) {
        ResealProgress progress = v.reseal();
        return progress == null
                ? null
                : new VolumeInfo.Rollover(
                        reseal.isRunning(v) ? "RESEALING" : "RESEAL_PENDING",
                        progress.scanned(),
                        progress.resealed(),
                        v.blockCount(),
                        progress.started());
    }

    private void watch(Collection<Volume> volumes) {
        for (Volume v : volumes) {
            rollover.maybeAutomatic(v);
            reseal.start(v);
            if (v.autoFollow()) {
                rotation.followLatest(v)
                        .onFailure(e -> LOG.log(
                                Level.WARNING,
                                "volume {0}: auto-follow could not check or adopt the current KEK version: {1}",
                                v.name(),
                                e.getMessage()));
            }
        }
    }
}
