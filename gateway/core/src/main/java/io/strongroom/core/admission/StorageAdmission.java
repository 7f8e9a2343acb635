package io.strongroom.core.admission;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Backpressure in front of storage: at most {@code bound} storage operations in flight over a whole frontend (or
 * several sharing one instance). A caller that finds no free slot takes a {@link Ticket} and is called back on its
 * own {@link Context} once a slot is handed to it; what it does meanwhile is the frontend's choice, and the point of
 * the class: it should stop taking in work from that client (the HTTP frontend pauses the connection, so TCP flow
 * control pushes back) instead of piling data up in memory. Slots are handed over in arrival order. Thread-safe.
 */
public final class StorageAdmission {
    private static final int WAITING = 0;
    private static final int ADMITTED = 1;
    private static final int CANCELLED = 2;

    /** A place in the queue. */
    public static final class Ticket {
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private final Context context;
        private final Handler<Void> onAdmitted;

        private Ticket(Context context, Handler<Void> onAdmitted) {
            this.context = context;
            this.onAdmitted = onAdmitted;
        }
    }

    private final int bound;
    private final AtomicInteger inUse = new AtomicInteger();
    private final AtomicInteger waiting = new AtomicInteger();
    private final ConcurrentLinkedQueue<Ticket> queue = new ConcurrentLinkedQueue<>();

    /** @throws IllegalArgumentException if {@code bound} is not positive (no operation could ever start) */
    public StorageAdmission(int bound) {
        if (bound < 1) {
            throw new IllegalArgumentException("the storage slot bound must be at least 1, not " + bound);
        }
        this.bound = bound;
    }

    /** Takes a slot if one is free and nobody is queued before us. */
    public boolean tryAcquire() {
        return queue.isEmpty() && acquireSlot();
    }

    /**
     * Queues for a slot; {@code onAdmitted} runs on {@code context} holding it (the holder must {@link #release()}
     * it), unless the ticket is {@link #cancel cancelled} first.
     */
    public Ticket enqueue(Context context, Handler<Void> onAdmitted) {
        Ticket ticket = new Ticket(context, onAdmitted);
        waiting.incrementAndGet();
        queue.add(ticket);
        drain();
        return ticket;
    }

    /**
     * Leaves the queue. True if the ticket was still waiting; false if it was admitted meanwhile, in which
     * case its {@code onAdmitted} runs (or ran) and the holder must {@link #release()} the slot.
     */
    public boolean cancel(Ticket ticket) {
        if (ticket.state.compareAndSet(WAITING, CANCELLED)) {
            waiting.decrementAndGet();
            return true;
        }
        return false;
    }

    /** Frees a slot taken by {@link #tryAcquire()} or handed to a ticket, and hands it to the next waiter. */
    public void release() {
        inUse.decrementAndGet();
        drain();
    }

    public int inUse() {
        return inUse.get();
    }

    public int waiting() {
        return waiting.get();
    }

    public int bound() {
        return bound;
    }

    private boolean acquireSlot() {
        for (; ; ) {
            int used = inUse.get();
            if (used >= bound) {
                return false;
            }
            if (inUse.compareAndSet(used, used + 1)) {
                return true;
            }
        }
    }

    /** Hands free slots to waiters. Called after every enqueue and release, so no waiter misses a freed slot. */
    private void drain() {
        while (!queue.isEmpty() && acquireSlot()) {
            Ticket next = queue.poll();
            if (next != null && next.state.compareAndSet(WAITING, ADMITTED)) {
                waiting.decrementAndGet();
                next.context.runOnContext(next.onAdmitted);
            } else {
                inUse.decrementAndGet();
            }
        }
    }
}
