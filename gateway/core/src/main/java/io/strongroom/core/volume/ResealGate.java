package io.strongroom.core.volume;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Keeps the background re-seal of a block from overwriting a client's newer write of that block.
 *
 * <p>The re-seal of a run is read, open, seal, write. Had a client written one of those blocks in between, the
 * re-seal would put the older content back. So the two exclude each other per run of blocks, without a lock on the
 * write path: a client write (or trim) first counts itself in on the stripes of its blocks, then looks at the run
 * the re-seal has claimed; if it overlaps, it counts itself out and waits until that run is done. The re-seal
 * first claims its run, then waits until no counted write is left on the run's stripes, and only then reads. Both
 * sides write their mark before reading the other's (volatile / atomic accesses, one total order), so at least one
 * of them sees the other: a write never runs inside a claimed run, and a claimed run is read only once the writes
 * in flight on it are durable. A client write waits at most one run (a few ms); none fails.
 *
 * <p>Stripes ({@value #STRIPES}, block {@code b} on stripe {@code b % STRIPES}) keep the count per block cheap; two
 * blocks sharing a stripe only make the re-seal wait a little longer.
 */
final class ResealGate {
    static final int STRIPES = 4096;

    private final AtomicIntegerArray inFlight = new AtomicIntegerArray(STRIPES);
    private volatile Claim claim;

    /** A run of blocks the re-seal works on; {@code done} completes when it releases it. */
    private record Claim(long first, long count, Promise<Void> done) {
        boolean overlaps(long otherFirst, long otherCount) {
            return otherFirst < first + count && first < otherFirst + otherCount;
        }
    }

    /**
     * Lets a client write or trim of blocks {@code first..first+count-1} in: completes once it may go ahead (at once
     * unless the re-seal holds an overlapping run). Call {@link #leave} with the same blocks once it is durable or
     * failed.
     */
    Future<Void> enter(long first, long count) {
        count(first, count, 1);
        Claim c = claim;
        if (c == null || !c.overlaps(first, count)) {
            return Future.succeededFuture();
        }
        count(first, count, -1);
        return c.done.future().compose(x -> enter(first, count));
    }

    void leave(long first, long count) {
        count(first, count, -1);
    }

    /** Claims a run for the re-seal; client writes on it wait from now until {@link #release()}. */
    void claim(long first, long count) {
        claim = new Claim(first, count, Promise.promise());
    }

    /** Whether a client write counted in on the claimed run's stripes is still in flight. */
    boolean writesInFlightOnClaim() {
        Claim c = claim;
        long stripes = Math.min(c.count, STRIPES);
        for (long i = 0; i < stripes; i++) {
            if (inFlight.get(stripe(c.first + i)) > 0) {
                return true;
            }
        }
        return false;
    }

    void release() {
        Claim c = claim;
        claim = null;
        if (c != null) {
            c.done.tryComplete();
        }
    }

    private void count(long first, long count, int delta) {
        long stripes = Math.min(count, STRIPES);
        for (long i = 0; i < stripes; i++) {
            inFlight.addAndGet(stripe(first + i), delta);
        }
    }

    private static int stripe(long block) {
        return (int) (block % STRIPES);
    }
}
