package io.strongroom.loadtest.load;

/**
 * The open model's timetable: request i is due at {@code start + i / rate}. Intended times are
 * computed from the index, never accumulated, so they do not drift however long the run.
 */
public final class RateSchedule {

    private final long startNanos;
    private final double nanosPerRequest;
    private final double requestsPerNano;

    public RateSchedule(long startNanos, double requestsPerSecond) {
        if (!(requestsPerSecond > 0)) {
            throw new IllegalArgumentException("rate must be > 0");
        }
        this.startNanos = startNanos;
        this.nanosPerRequest = 1e9 / requestsPerSecond;
        this.requestsPerNano = requestsPerSecond / 1e9;
    }

    /** When request i should be sent. */
    public long intendedNanos(long i) {
        return startNanos + (long) (i * nanosPerRequest);
    }

    /** How many requests are due at time now (indices 0 .. n-1 have intended time <= now). */
    public long dueCount(long nowNanos) {
        if (nowNanos < startNanos) {
            return 0;
        }
        long n = (long) ((nowNanos - startNanos) * requestsPerNano) + 1;
        // floating point may be one off at an exact boundary: settle it on the integer timetable
        while (n > 0 && intendedNanos(n - 1) > nowNanos) {
            n--;
        }
        while (intendedNanos(n) <= nowNanos) {
            n++;
        }
        return n;
    }

    public long startNanos() {
        return startNanos;
    }
}
