package io.strongroom.core.volume;

import io.strongroom.core.activity.ActivityEvent;
import io.strongroom.core.activity.ActivityLog;
import io.strongroom.core.activity.ActivityType;
import io.strongroom.core.error.StrongroomException;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Rotation, rollover, re-seal, clone and replica events of the volume layer, for the gateway's activity log. No key material.
 */
final class KeyEvents {
    private final Supplier<ActivityLog> log;
    private final Clock clock;

    KeyEvents(Supplier<ActivityLog> log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    void validation(String volume, String kek, String identity, long millis, Throwable failure) {
        record(
                ActivityEvent.of(ActivityType.KEK_VALIDATION, clock.instant())
                        .volume(volume)
                        .kek(kek)
                        .identity(identity)
                        .latencyNanos(millis * 1_000_000),
                failure);
    }

    void rotation(Volume v, String from, String to, String identity, String reason, long millis, Throwable failure) {
        record(
                ActivityEvent.of(ActivityType.ROTATION, clock.instant())
                        .volume(v.name())
                        .kek(to)
                        .identity(identity)
                        .detail(reason + ": " + from + " -> " + to + ", "
                                + v.keyring().deks().size() + " DEKs re-wrapped")
                        .latencyNanos(millis * 1_000_000),
                failure);
    }

    void rollover(Volume v, String newDek, String reason, Throwable failure) {
        VolumeKeyring k = v.keyring();
        record(
                ActivityEvent.of(ActivityType.ROLLOVER, clock.instant())
                        .volume(v.name())
                        .kek(k.kekId())
                        .identity(k.identity())
                        .detail(reason + ": new active DEK " + newDek),
                failure);
    }

    void reseal(Volume v, ResealProgress p, String retired) {
        VolumeKeyring k = v.keyring();
        record(
                ActivityEvent.of(ActivityType.RESEAL, clock.instant())
                        .volume(v.name())
                        .kek(k.kekId())
                        .identity(k.identity())
                        .detail("re-seal done: " + p.scanned() + " blocks scanned, " + p.resealed()
                                + " re-sealed; DEKs dropped and destroyed: " + retired),
                null);
    }

    /** A clone started, finished or failed ({@code type}); the parent and the clone are both named. */
    void clone(
            ActivityType type,
            String parent,
            String clone,
            String kek,
            String identity,
            String detail,
            Throwable failure) {
        record(
                ActivityEvent.of(type, clock.instant())
                        .volumes(java.util.List.of(parent, clone))
                        .kek(kek)
                        .identity(identity)
                        .detail(detail)
                        .ok(type != ActivityType.CLONE_FAILED),
                failure);
    }

    /** A replica event ({@code type}); the replica's volume is named, the primary in the detail. */
    void replica(ActivityType type, String replica, String detail, Throwable failure) {
        record(ActivityEvent.of(type, clock.instant()).volume(replica).detail(detail), failure);
    }

    private void record(ActivityEvent.Builder event, Throwable failure) {
        ActivityLog target = log.get();
        if (target == null) {
            return;
        }
        if (failure != null) {
            String cause = failure instanceof StrongroomException g
                    ? g.code().name()
                    : failure.getClass().getSimpleName();
            event.ok(false).cause(cause);
        }
        target.record(event.build());
    }
}
