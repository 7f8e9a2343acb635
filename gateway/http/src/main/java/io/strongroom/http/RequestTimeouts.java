package io.strongroom.http;

/**
 * The requests of one event loop in deadline order. Every request gets the same timeout, so arrival order is
 * deadline order: an intrusive doubly linked list gives O(1) add and remove without allocation, and the
 * periodic sweep stops at the first request still in time. Cheaper on the hot path than one timer per
 * request. Confined to its event loop.
 */
final class RequestTimeouts {
    private Exchange head;
    private Exchange tail;

    void add(Exchange e, long deadlineNanos) {
        e.deadlineNanos = deadlineNanos;
        e.prev = tail;
        e.next = null;
        if (tail == null) {
            head = e;
        } else {
            tail.next = e;
        }
        tail = e;
        e.linked = true;
    }

    void remove(Exchange e) {
        if (!e.linked) {
            return;
        }
        if (e.prev == null) {
            head = e.next;
        } else {
            e.prev.next = e.next;
        }
        if (e.next == null) {
            tail = e.prev;
        } else {
            e.next.prev = e.prev;
        }
        e.prev = null;
        e.next = null;
        e.linked = false;
    }

    /** Times out every request whose deadline has passed. */
    void expire(long nowNanos) {
        while (head != null && head.deadlineNanos - nowNanos <= 0) {
            Exchange e = head;
            remove(e);
            e.timedOut();
        }
    }

    /** Times out every request (server stopping after its grace period). */
    void expireAll() {
        while (head != null) {
            Exchange e = head;
            remove(e);
            e.timedOut();
        }
    }
}
