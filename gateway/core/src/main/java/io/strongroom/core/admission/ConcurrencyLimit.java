package io.strongroom.core.admission;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bound on requests in progress, shared by every thread of a frontend. Past the bound a request is refused at
 * once ({@code TooManyRequests}), never queued: a frontend that queued them would only move the pile-up into its own
 * memory. Thread-safe, lock-free.
 */
public final class ConcurrencyLimit {
    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();

    /** @throws IllegalArgumentException if {@code limit} is not positive (nothing could ever be admitted) */
    public ConcurrencyLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the concurrency limit must be at least 1, not " + limit);
        }
        this.limit = limit;
    }

    /** Takes a place if one is free; false (nothing taken) at the limit. Each true is paired with one {@link #release}. */
    public boolean tryAcquire() {
        if (inFlight.incrementAndGet() > limit) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    public void release() {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }
}
