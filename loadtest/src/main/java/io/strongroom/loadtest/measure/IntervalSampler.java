package io.strongroom.loadtest.measure;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;

/**
 * Pulls the interval histograms out of {@link LatencyRecorders} (once a second), writes them to the
 * interval logs, adds them to the run's totals, keeps the timeline and prints the progress line.
 *
 * <p>Not thread-safe: call every method from one thread (the run's sampler thread). The states are
 * warm-up (the warm-up recorders are read for the progress line and dropped), measuring (the window's
 * recorders, which only ever see requests issued inside the window, are recorded), and drain
 * (responses that arrive after the measured window still count in the histograms, because in the
 * open model the late ones are exactly the slow ones, but not in the achieved rate).
 */
public final class IntervalSampler {

    private enum State {
        WARMUP,
        MEASURING,
        DRAINING,
        DONE
    }

    private static final double NANOS_PER_MILLI = 1_000_000.0;
    /** Warm-up intervals shorter than this (the cut at the end of warm-up) print no progress line. */
    private static final double MIN_PRINTED_SECONDS = 0.05;

    private final LatencyRecorders recorders;
    private final Consumer<String> progress;
    private final boolean openModel;
    private final Phase window;
    /**
     * The warm-up's intervals go through the same code as the window's (totals, compressed log entries,
     * percentiles, timeline point) into sinks nobody reads, so that the JIT has compiled that work before
     * the window: run once a second, it would otherwise stay interpreted for many seconds, taking up to
     * 20 ms of the generator's core per tick and delaying every request due meanwhile.
     */
    private final Phase warmup;

    private final long createdNanos;
    private boolean firstWindowInterval = true;
    private State state = State.WARMUP;
    private long measureStartNanos;
    private long measureStartEpochMillis;
    private long lastTickNanos;
    private long lastErrors;
    private long windowCount;
    /** The window's intervals so far: the progress line's label, so a late tick cannot repeat or skip a second. */
    private int windowIntervals;

    private long windowNanos;
    private long drainCount;

    public IntervalSampler(LatencyRecorders recorders, boolean openModel, Consumer<String> progress) {
        this.recorders = recorders;
        this.openModel = openModel;
        this.progress = progress;
        this.window = new Phase(recorders.corrected(), recorders.uncorrected(), recorders.generatorLag());
        this.warmup =
                new Phase(recorders.warmupCorrected(), recorders.warmupUncorrected(), recorders.warmupGeneratorLag());
        this.createdNanos = System.nanoTime();
        this.lastTickNanos = createdNanos;
        // the window writes the same when it starts: dates are formatted (and ~100 JDK classes loaded) now, not then
        warmup.startLogs(System.currentTimeMillis());
    }

    /** Interval logs to write (one interval per tick); both streams are owned by the caller. */
    public void logTo(PrintStream corrected, PrintStream uncorrected) {
        window.correctedLog = startLog(corrected, "corrected: latency from each request's intended send time");
        window.uncorrectedLog = startLog(uncorrected, "uncorrected: latency from each request's actual send time");
    }

    /** One phase's side of the sampling: its recorders, their recycled intervals, totals, interval logs, timeline. */
    private static final class Phase {
        final Recorder correctedRecorder;
        final Recorder uncorrectedRecorder;
        final Recorder lagRecorder;
        final Histogram totalCorrected = LatencyRecorders.histogram();
        final Histogram totalUncorrected = LatencyRecorders.histogram();
        final Histogram totalLag = LatencyRecorders.histogram();
        final List<TimelinePoint> timeline = new ArrayList<>();
        HistogramLogWriter correctedLog = discardingLog();
        HistogramLogWriter uncorrectedLog = discardingLog();
        Histogram corrected;
        Histogram uncorrected;
        Histogram lag;

        Phase(Recorder corrected, Recorder uncorrected, Recorder lag) {
            this.correctedRecorder = corrected;
            this.uncorrectedRecorder = uncorrected;
            this.lagRecorder = lag;
        }

        private static HistogramLogWriter discardingLog() {
            return new HistogramLogWriter(new PrintStream(OutputStream.nullOutputStream()));
        }

        /** The interval logs' start time, base time and legend. */
        void startLogs(long epochMillis) {
            for (HistogramLogWriter w : List.of(correctedLog, uncorrectedLog)) {
                w.outputStartTime(epochMillis);
                w.outputBaseTime(epochMillis);
                w.setBaseTime(epochMillis);
                w.outputLegend();
            }
        }

        /** Swaps the recorders' intervals out (recycling the previous ones) and adds the lag to its total. */
        void takeInterval() {
            corrected = correctedRecorder.getIntervalHistogram(corrected);
            uncorrected = uncorrectedRecorder.getIntervalHistogram(uncorrected);
            lag = lagRecorder.getIntervalHistogram(lag);
            totalLag.add(lag);
        }

        /** Adds the interval to the totals and writes it to the logs. */
        void record() {
            totalCorrected.add(corrected);
            totalUncorrected.add(uncorrected);
            correctedLog.outputIntervalHistogram(corrected);
            uncorrectedLog.outputIntervalHistogram(uncorrected);
        }
    }

    private static HistogramLogWriter startLog(PrintStream out, String comment) {
        HistogramLogWriter w = new HistogramLogWriter(out);
        w.outputComment("strongroom-loadtest interval log, values in nanoseconds (max column in ms)");
        w.outputComment(comment);
        w.outputLogFormatVersion();
        return w;
    }

    /**
     * End of warm-up: close the last warm-up interval and start the measured window. The window's
     * recorders are not swapped here: they hold only requests issued from the window's start on, and
     * the first of them may already have completed.
     */
    public void beginMeasurement() {
        measureStartEpochMillis = System.currentTimeMillis();
        measureStartNanos = System.nanoTime();
        tick(measureStartNanos);
        lastErrors = 0;
        state = State.MEASURING;
        lastTickNanos = measureStartNanos;
        window.startLogs(measureStartEpochMillis);
    }

    /** One interval: called once a second by the run's scheduler. */
    public void tick() {
        tick(System.nanoTime());
    }

    /** End of the measured window: the last (partial) interval is still part of it. */
    public void endMeasurement() {
        tick(System.nanoTime());
        state = State.DRAINING;
    }

    /** After the drain: what completed since the window closed goes into the totals only. */
    public void finish() {
        tick(System.nanoTime());
        state = State.DONE;
    }

    private void tick(long now) {
        if (state == State.DONE) {
            return;
        }
        double seconds = Math.max(1e-9, (now - lastTickNanos) / 1e9);
        lastTickNanos = now;
        boolean inWarmup = state == State.WARMUP;
        Phase phase = inWarmup ? warmup : window;
        phase.takeInterval();
        Histogram c = phase.corrected;
        Histogram u = phase.uncorrected;
        if (!inWarmup && firstWindowInterval) {
            // the window's recorders started their interval when they were built: the window starts here
            c.setStartTimeStamp(measureStartEpochMillis);
            u.setStartTimeStamp(measureStartEpochMillis);
            firstWindowInterval = false;
        }
        long errorsNow = inWarmup ? recorders.warmupErrors() : recorders.errors();
        long intervalErrors = errorsNow - lastErrors;
        lastErrors = errorsNow;
        // A response records its corrected latency, then its uncorrected one, so an interval's flip can fall between
        // the two: the drain's last interval may hold only the corrected half of a response counted in the window.
        if (state == State.DRAINING && u.getTotalCount() == 0 && c.getTotalCount() == 0) {
            return;
        }
        phase.record();
        if (state == State.DRAINING) {
            drainCount += u.getTotalCount();
            return;
        }
        double rate = u.getTotalCount() / seconds;
        double at = (now - (inWarmup ? createdNanos : measureStartNanos)) / 1e9;
        phase.timeline.add(new TimelinePoint(
                at,
                rate,
                intervalErrors,
                millis(c.getValueAtPercentile(50)),
                millis(c.getValueAtPercentile(99)),
                millis(u.getValueAtPercentile(99)),
                millis(c.getMaxValue())));
        if (inWarmup) {
            if (seconds >= MIN_PRINTED_SECONDS) {
                print("warm-up", rate, intervalErrors, phase.totalCorrected, phase.totalUncorrected);
            }
            return;
        }
        windowCount += u.getTotalCount();
        windowNanos = now - measureStartNanos;
        windowIntervals++;
        print(
                String.format(Locale.US, "%4ds", windowIntervals),
                rate,
                errorsNow,
                phase.totalCorrected,
                phase.totalUncorrected);
    }

    private void print(String when, double rate, long errors, Histogram corrected, Histogram uncorrected) {
        String latency = openModel
                ? String.format(
                        Locale.US,
                        "p99 %.3f ms (uncorrected %.3f ms)",
                        millis(corrected.getValueAtPercentile(99)),
                        millis(uncorrected.getValueAtPercentile(99)))
                : String.format(Locale.US, "p99 %.3f ms", millis(uncorrected.getValueAtPercentile(99)));
        progress.accept(String.format(Locale.US, "[%s] %10.1f req/s  errors %d  %s", when, rate, errors, latency));
    }

    static double millis(long nanos) {
        return nanos / NANOS_PER_MILLI;
    }

    public Histogram totalCorrected() {
        return window.totalCorrected;
    }

    public Histogram totalUncorrected() {
        return window.totalUncorrected;
    }
    /** Open model: how late the generator learned each request of the window was due (nanoseconds). */
    public Histogram totalGeneratorLag() {
        return window.totalLag;
    }

    public List<TimelinePoint> timeline() {
        return List.copyOf(window.timeline);
    }
    /** Responses completed inside the measured window. */
    public long windowCount() {
        return windowCount;
    }
    /** Length of the measured window. */
    public double windowSeconds() {
        return windowNanos / 1e9;
    }
    /** Responses that completed after the window closed (counted in the histograms, not in the rate). */
    public long drainCount() {
        return drainCount;
    }

    public long measureStartEpochMillis() {
        return measureStartEpochMillis;
    }
}
