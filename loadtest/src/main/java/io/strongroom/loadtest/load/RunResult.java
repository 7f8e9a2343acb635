package io.strongroom.loadtest.load;

import io.strongroom.loadtest.cli.LoadTestOptions;
import io.strongroom.loadtest.measure.GeneratorCpu;
import io.strongroom.loadtest.measure.TimelinePoint;
import io.strongroom.loadtest.report.MachineFacts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one run, as the reports need it. Histogram values are nanoseconds.
 *
 * @param windowSeconds   length of the measured window (warm-up excluded)
 * @param windowCount     responses completed inside the window
 * @param drainCount      responses completed after the window (in the histograms, not in the rate)
 * @param unfinished      requests still without an answer when the drain timed out
 * @param generatorLag    open model: per request of the window, how late after its intended time
 *                        the generator itself got round to it (null in the closed model)
 * @param generatorCpu    the client event loops' CPU and wait for a CPU in the window, and the rest of the JVM's
 *                        CPU (null where Linux's per-thread statistics are unavailable)
 */
public record RunResult(
        LoadTestOptions options,
        long startEpochMillis,
        double windowSeconds,
        long windowCount,
        long drainCount,
        long unfinished,
        Map<String, Long> countsByStatus,
        long errors,
        long bytesIn,
        long bytesOut,
        Histogram corrected,
        Histogram uncorrected,
        Histogram generatorLag,
        GeneratorCpu.Figures generatorCpu,
        List<TimelinePoint> timeline,
        MachineFacts machine) {

    /**
     * Generator lag up to this is timer and event-loop jitter; beyond it the generator, not the server,
     * is holding requests back and the corrected latency includes its own delay.
     */
    public static final long LAG_TOLERANCE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** More than this share of the window's requests late beyond the tolerance: the run gets a warning. */
    public static final double LATE_SHARE_WARNING = 0.01;

    /** The same outcome with other machine facts (the gateway's JVM added by the mode that started it). */
    public RunResult withMachine(MachineFacts facts) {
        return new RunResult(
                options,
                startEpochMillis,
                windowSeconds,
                windowCount,
                drainCount,
                unfinished,
                countsByStatus,
                errors,
                bytesIn,
                bytesOut,
                corrected,
                uncorrected,
                generatorLag,
                generatorCpu,
                timeline,
                facts);
    }

    public double achievedRate() {
        return windowSeconds > 0 ? windowCount / windowSeconds : 0;
    }

    public double targetRate() {
        return options.rate();
    }

    /** Requests of the window the generator got round to more than {@link #LAG_TOLERANCE_NANOS} late. */
    public long generatorLateCount() {
        if (generatorLag == null || generatorLag.getTotalCount() == 0) {
            return 0;
        }
        return generatorLag.getTotalCount() - generatorLag.getCountBetweenValues(0, LAG_TOLERANCE_NANOS);
    }

    /** True when the open model's own generator could not keep its schedule (see {@link #warnings()}). */
    public boolean generatorBehind() {
        return generatorLag != null && generatorLateCount() > generatorLag.getTotalCount() * LATE_SHARE_WARNING;
    }

    /** Lines a reader must see before trusting the figures (empty when there is nothing to say). */
    public List<String> warnings() {
        List<String> w = new ArrayList<>();
        if (generatorBehind()) {
            w.add(String.format(
                    Locale.US,
                    "generator behind its schedule: %d of %d requests (%.1f%%) were sent more than %.1f ms late by the "
                            + "load generator itself (lag p99 %.3f ms, max %.3f ms); the corrected latency includes that "
                            + "delay: give the generator more CPU or lower the rate before blaming the server",
                    generatorLateCount(),
                    generatorLag.getTotalCount(),
                    100.0 * generatorLateCount() / generatorLag.getTotalCount(),
                    LAG_TOLERANCE_NANOS / 1e6,
                    generatorLag.getValueAtPercentile(99) / 1e6,
                    generatorLag.getMaxValue() / 1e6));
            if (generatorCpu != null) {
                w.add(String.format(
                        Locale.US,
                        "in the window the client event loops ran %.0f ms and waited %.0f ms for a CPU (descheduled: "
                                + "other processes or this JVM's other threads had the core); this JVM's other threads "
                                + "(JIT, GC, sampler) used %.0f ms",
                        generatorCpu.loopRunMillis(),
                        generatorCpu.loopWaitMillis(),
                        generatorCpu.otherThreadsMillis()));
            }
        }
        return w;
    }
}
