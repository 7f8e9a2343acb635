package io.strongroom.loadtest.measure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Where every completed request lands. Thread-safe for many writers (HdrHistogram {@link Recorder}s
 * and adders); the {@link IntervalSampler} reads it once a second.
 *
 * <p>Two recorders, on purpose: {@code corrected} measures from each request's intended send time
 * (open model: start + i/rate), so a stalled server also charges the requests it kept from being
 * sent (coordinated omission corrected, as wrk2 does); {@code uncorrected} measures from the moment
 * the request actually got a connection and was written, which is what a naive tool reports. In the
 * closed model there is no schedule and both get the same value. Values are nanoseconds.
 *
 * <p>Requests issued during the warm-up go to their own set of recorders and counters (a {@link Phase}),
 * whenever they complete: a cold, backed-up warm-up never leaks into the measured window, and the
 * window's recorders need no reset (no race with requests completing at the boundary). A request carries
 * its phase as an object, chosen when it is issued, never as a flag tested on the way: the JIT compiles a
 * branch the warm-up never took as a trap, and the window taking it would send the generator's hottest
 * code back to the interpreter in the window's first second. For the same reason the histograms have a
 * fixed range (values are clamped to it) rather than resizing on the window's first values. The open model
 * also records, per request, how late the generator itself learned it was due ({@link Phase#generatorLag}):
 * that delay is the generator's, not the server's.
 */
public final class LatencyRecorders {

    /** HdrHistogram precision: 3 significant digits (0.1% value error). */
    public static final int SIGNIFICANT_DIGITS = 3;
    /** The largest value recorded: one hour in nanoseconds (requests time out long before). */
    public static final long MAX_NANOS = TimeUnit.HOURS.toNanos(1);

    /** The recorders and counters of one phase (warm-up or measured window). */
    public static final class Phase {
        final Recorder corrected = recorder();
        final Recorder uncorrected = recorder();
        final Recorder generatorLag = recorder();
        final AtomicLongArray statusCounts = new AtomicLongArray(600);
        final LongAdder errors = new LongAdder();
        final LongAdder timeouts = new LongAdder();
        final LongAdder ioErrors = new LongAdder();
        final LongAdder bytesIn = new LongAdder();
        final LongAdder bytesOut = new LongAdder();
        /** Outcomes named by the protocol rather than an HTTP status (NBD: "ok", "EIO", ...). */
        final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

        private Phase() {}

        /** A response arrived (any status); times from {@link System#nanoTime()}. */
        public void response(int status, long intendedNanos, long sentNanos, long doneNanos) {
            corrected.recordValue(clamp(doneNanos - intendedNanos, 1));
            uncorrected.recordValue(clamp(doneNanos - sentNanos, 1));
            if (status >= 0 && status < 600) {
                statusCounts.incrementAndGet(status);
            }
            if (status < 200 || status >= 300) {
                errors.increment();
            }
        }

        /**
         * A reply of a protocol without HTTP statuses (NBD), counted under its name; {@code ok} false counts it as
         * an error as well. Times from {@link System#nanoTime()}.
         */
        public void outcome(String name, boolean ok, long intendedNanos, long sentNanos, long doneNanos) {
            corrected.recordValue(clamp(doneNanos - intendedNanos, 1));
            uncorrected.recordValue(clamp(doneNanos - sentNanos, 1));
            LongAdder count = outcomes.get(name);
            if (count == null) {
                count = outcomes.computeIfAbsent(name, k -> new LongAdder());
            }
            count.increment();
            if (!ok) {
                errors.increment();
            }
        }

        /** The request failed without a response (connect error, reset, timeout). */
        public void failure(Throwable cause) {
            errors.increment();
            if (isTimeout(cause)) {
                timeouts.increment();
            } else {
                ioErrors.increment();
            }
        }

        /**
         * Open model: how long after its intended send time the generator got round to a request (timer and
         * client event loop), before any wait for a free connection.
         */
        public void generatorLag(long lagNanos) {
            generatorLag.recordValue(clamp(lagNanos, 0));
        }

        public void bytesIn(long n) {
            bytesIn.add(n);
        }

        public void bytesOut(long n) {
            bytesOut.add(n);
        }
    }

    private final Phase warmup = new Phase();
    private final Phase window = new Phase();

    /** A recorder over the fixed range 1 ns .. {@link #MAX_NANOS}. */
    public static Recorder recorder() {
        return new Recorder(MAX_NANOS, SIGNIFICANT_DIGITS);
    }

    /** A histogram over the same fixed range (totals of the recorders' intervals). */
    public static Histogram histogram() {
        return new Histogram(MAX_NANOS, SIGNIFICANT_DIGITS);
    }

    private static long clamp(long nanos, long min) {
        return Math.min(MAX_NANOS, Math.max(min, nanos));
    }

    /** Requests issued during the warm-up. */
    public Phase warmupPhase() {
        return warmup;
    }

    /** Requests issued during the measured window. */
    public Phase windowPhase() {
        return window;
    }

    private static boolean isTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TimeoutException || c.getClass().getSimpleName().contains("Timeout")) {
                return true;
            }
        }
        return false;
    }

    public Recorder corrected() {
        return window.corrected;
    }

    public Recorder uncorrected() {
        return window.uncorrected;
    }

    public Recorder warmupCorrected() {
        return warmup.corrected;
    }

    public Recorder warmupUncorrected() {
        return warmup.uncorrected;
    }

    public Recorder generatorLag() {
        return window.generatorLag;
    }

    public Recorder warmupGeneratorLag() {
        return warmup.generatorLag;
    }

    public long errors() {
        return window.errors.sum();
    }

    public long warmupErrors() {
        return warmup.errors.sum();
    }

    public long bytesIn() {
        return window.bytesIn.sum();
    }

    public long bytesOut() {
        return window.bytesOut.sum();
    }

    /**
     * Window responses by HTTP status (or by outcome name for NBD: "ok", "EINVAL", "verify-mismatch", ...) plus
     * "timeout" and "io-error" for requests without a response.
     */
    public Map<String, Long> countsByStatus() {
        Map<String, Long> byStatus = new TreeMap<>();
        for (int s = 0; s < window.statusCounts.length(); s++) {
            long n = window.statusCounts.get(s);
            if (n > 0) {
                byStatus.put(Integer.toString(s), n);
            }
        }
        window.outcomes.forEach((name, n) -> byStatus.put(name, n.sum()));
        Map<String, Long> all = new LinkedHashMap<>(byStatus);
        all.put("timeout", window.timeouts.sum());
        all.put("io-error", window.ioErrors.sum());
        return all;
    }
}
