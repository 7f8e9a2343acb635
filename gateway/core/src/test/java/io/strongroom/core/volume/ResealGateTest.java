package io.strongroom.core.volume;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

/** The exclusion between client writes and the re-seal of a run of blocks. */
class ResealGateTest {
    final ResealGate gate = new ResealGate();

    @Test
    void aWriteIntoAClaimedRunWaitsUntilItIsReleased() {
        gate.claim(100, 32);
        Future<Void> inside = gate.enter(131, 2); // overlaps the last block of the run
        Future<Void> before = gate.enter(90, 10); // ends just before the run
        Future<Void> after = gate.enter(132, 5); // starts just after it
        assertFalse(inside.isComplete(), "a write into the claimed run waits");
        assertTrue(before.succeeded() && after.succeeded(), "writes next to the run go ahead");
        assertFalse(gate.writesInFlightOnClaim(), "the waiting write is not counted on the run");
        gate.release();
        assertTrue(inside.succeeded(), "released: the write goes ahead");
        gate.leave(131, 2);
        gate.leave(90, 10);
        gate.leave(132, 5);
    }

    @Test
    void aClaimSeesTheWritesAlreadyInFlightOnItsRun() {
        Future<Void> writing = gate.enter(10, 4);
        assertTrue(writing.succeeded());
        gate.claim(0, 32);
        assertTrue(gate.writesInFlightOnClaim(), "the re-seal must wait for the write in flight");
        gate.leave(10, 4);
        assertFalse(gate.writesInFlightOnClaim(), "and may read once it is durable");
        gate.release();
    }

    @Test
    void stripesWrapAroundForLargeRunsAndTrims() {
        Future<Void> trim = gate.enter(0, 3L * ResealGate.STRIPES); // counts every stripe once
        gate.claim(5L * ResealGate.STRIPES + 7, 1); // shares a stripe with the trim
        assertTrue(gate.writesInFlightOnClaim(), "a shared stripe is enough to wait (never too little)");
        gate.release();
        gate.leave(0, 3L * ResealGate.STRIPES);
        gate.claim(7, 1);
        assertFalse(gate.writesInFlightOnClaim());
        gate.release();
        assertTrue(trim.succeeded());
    }
}
