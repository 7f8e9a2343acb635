package io.strongroom.core.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.crypto.Dek;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class DekBudgetTest {
    static final long STEP = DekBudget.RESERVATION_STEP;

    /** A metadata writer the test completes by hand, recording the reservation each write carried. */
    static final class ManualPersist implements Supplier<Future<Void>> {
        final List<Promise<Void>> writes = new ArrayList<>();
        final List<Long> carried = new ArrayList<>();
        DekBudget budget;

        @Override
        public Future<Void> get() {
            carried.add(budget.requestedReservation());
            Promise<Void> p = Promise.promise();
            writes.add(p);
            return p.future();
        }
    }

    @Test
    void claimsInsideTheReservationGoAheadWithoutWriting() {
        ManualPersist persist = new ManualPersist();
        DekBudget budget = new DekBudget(0, STEP);
        persist.budget = budget;
        Future<Void> f = budget.claim(10, persist);
        assertTrue(f.succeeded());
        assertEquals(10, budget.claimed());
        assertTrue(persist.writes.isEmpty());
    }

    @Test
    void claimsBeyondWaitForOneDurableReservation() {
        ManualPersist persist = new ManualPersist();
        DekBudget budget = new DekBudget(STEP, STEP); // as adopted at start-up
        persist.budget = budget;
        Future<Void> first = budget.claim(2, persist);
        Future<Void> second = budget.claim(3, persist);
        assertFalse(first.isComplete());
        assertFalse(second.isComplete());
        assertEquals(1, persist.writes.size(), "claims inside the pending reservation share its write");
        assertEquals(STEP + 2 + STEP, persist.carried.get(0));

        persist.writes.get(0).complete();
        assertTrue(first.succeeded() && second.succeeded());
        assertEquals(STEP + 5, budget.claimed());
        assertTrue(budget.claim(1, persist).succeeded(), "now inside the durable reservation");
    }

    @Test
    void aLargerPersistedReservationRaisesTheCountAndASmallerOneChangesNothing() {
        ManualPersist persist = new ManualPersist();
        DekBudget budget = new DekBudget(0, STEP); // a new volume that sealed 10 since
        persist.budget = budget;
        assertTrue(budget.claim(10, persist).succeeded());

        budget.adoptPersisted(STEP); // no one else sealed: the reservation is this budget's own
        assertEquals(10, budget.claimed());

        budget.adoptPersisted(3 * STEP); // another gateway wrote the volume meanwhile
        assertEquals(3 * STEP, budget.claimed());
        assertEquals(3 * STEP, budget.requestedReservation());
        assertFalse(budget.claim(1, persist).isComplete(), "counting resumes above the other gateway's reservation");
        assertEquals(3 * STEP + 1 + STEP, persist.carried.get(0));
    }

    @Test
    void aFailedWriteFailsItsClaimsAndTheNextClaimWritesAgain() {
        ManualPersist persist = new ManualPersist();
        DekBudget budget = new DekBudget(0, 0);
        persist.budget = budget;
        Future<Void> f = budget.claim(1, persist);
        persist.writes.get(0).fail(new IllegalStateException("disk full"));
        assertTrue(f.failed());
        Future<Void> retry = budget.claim(1, persist);
        assertEquals(2, persist.writes.size());
        persist.writes.get(1).complete();
        assertTrue(retry.succeeded());
        assertEquals(2, budget.claimed(), "failed claims still count: over-counting is safe");
    }

    @Test
    void claimsPastTheLimitAreRefused() {
        ManualPersist persist = new ManualPersist();
        DekBudget budget = new DekBudget(Dek.INVOCATION_LIMIT - 1, Dek.INVOCATION_LIMIT);
        persist.budget = budget;
        assertTrue(budget.claim(1, persist).succeeded());
        Future<Void> over = budget.claim(1, persist);
        StrongroomException e = assertInstanceOf(StrongroomException.class, over.cause());
        assertEquals(ErrorCode.InternalError, e.code());
        assertTrue(persist.writes.isEmpty());
    }

    @Test
    void reservationNeverExceedsTheLimit() {
        ManualPersist persist = new ManualPersist();
        DekBudget budget = new DekBudget(Dek.INVOCATION_LIMIT - 10, Dek.INVOCATION_LIMIT - 10);
        persist.budget = budget;
        budget.claim(5, persist);
        assertEquals(Dek.INVOCATION_LIMIT, persist.carried.get(0));
    }
}
