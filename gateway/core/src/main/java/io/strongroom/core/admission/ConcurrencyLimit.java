package io.strongroom.core.admission;

import java.util.concurrent.atomic.AtomicInteger;

/** Requests in progress over all event loops; past the limit new ones are answered 429 TooManyRequests at once. */
public final class ConcurrencyLimit {
    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();

    public ConcurrencyLimit(int limit) {
        this.limit = limit;
    }

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
