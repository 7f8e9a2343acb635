package io.strongroom.core.volume;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.crypto.Dek;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The seal budget of one DEK, persisted ahead of use so the count survives restarts and crashes.
 *
 * <p>Every write claims its seals here before sealing. Claims below the durable reservation go ahead at once;
 * a claim beyond it first persists a new reservation ({@code claimed + RESERVATION_STEP}) in the volume metadata
 * and waits for it to be durable. At start-up the DEK is adopted with the persisted reservation as its count, so a
 * crash can only over-count (by less than one step), never under-count: the per-key limit holds across restarts.
 * One metadata write per {@value #RESERVATION_STEP} seals (512 MiB of 8 KiB blocks) keeps the cost negligible, and
 * a step of 2^16 against a limit of 2^30 allows 16384 crashes before the budget of a DEK is lost to over-counting.
 */
final class DekBudget {
    static final long RESERVATION_STEP = 1L << 16;

    private final AtomicLong claimed;
    private volatile long durable;
    private long requested; // guarded by this
    private Future<Void> pending; // guarded by this: the metadata write that makes `requested` durable

    /**
     * @param used          seals done so far: 0 for a new DEK; the persisted reservation for a DEK loaded at
     *                      start-up (its real count is below it, and counting from there never under-counts)
     * @param reservedUntil the persisted reservation
     */
    DekBudget(long used, long reservedUntil) {
        this.claimed = new AtomicLong(used);
        this.durable = reservedUntil;
        this.requested = reservedUntil;
    }

    /** Seals claimed so far, including the count adopted at start-up: never less than the DEK's real use. */
    long claimed() {
        return claimed.get();
    }

    /** The reservation the next metadata document must carry. */
    synchronized long requestedReservation() {
        return requested;
    }

    /**
     * Claims {@code seals} seals; the future completes once they are covered by a durable reservation.
     * {@code persist} writes the volume metadata (carrying {@link #requestedReservation()}) and is called only when
     * the reservation must grow.
     */
    Future<Void> claim(int seals, Supplier<Future<Void>> persist) {
        long end = claimed.addAndGet(seals);
        if (end <= durable) {
            return Future.succeededFuture();
        }
        if (end > Dek.INVOCATION_LIMIT) {
            return Future.failedFuture(new StrongroomException(
                    ErrorCode.InternalError, "the volume's DEK has reached its seal limit and needs a rollover"));
        }
        return reserve(end, persist);
    }

    private Future<Void> reserve(long end, Supplier<Future<Void>> persist) {
        Promise<Void> reservation = Promise.promise();
        long target;
        synchronized (this) {
            if (end <= durable) {
                return Future.succeededFuture();
            }
            if (pending != null && !pending.failed() && end <= requested) {
                return pending;
            }
            requested = Math.min(Math.max(end, requested) + RESERVATION_STEP, Dek.INVOCATION_LIMIT);
            target = requested;
            pending = reservation.future();
        }
        // Outside the lock: the metadata writer reads requestedReservation() of every DEK of the volume.
        persist.get()
                .andThen(ar -> {
                    if (ar.succeeded()) {
                        madeDurable(target);
                    }
                })
                .onComplete(reservation);
        return reservation.future();
    }

    /**
     * Takes in a reservation the volume's document carries now. A larger one than this budget made durable was
     * persisted by another gateway that wrote the volume meanwhile: counting resumes above it and the next document
     * carries at least it. One no larger changes nothing (no one else sealed: any seal beyond a reservation persists
     * a larger one first).
     */
    synchronized void adoptPersisted(long reservedUntil) {
        if (reservedUntil <= durable) {
            return;
        }
        claimed.accumulateAndGet(reservedUntil, Math::max);
        durable = reservedUntil;
        requested = Math.max(requested, reservedUntil);
    }

    private synchronized void madeDurable(long target) {
        if (target > durable) {
            durable = target;
        }
    }
}
