package io.strongroom.core.metrics;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency of one (route, status) pair. Writers record into a {@link Recorder} (wait-free, any thread);
 * a scrape moves the interval histogram into a cumulative one, so the exported quantiles cover the process
 * lifetime, like the count and sum beside them. Values are microseconds, 2 significant digits (1% error).
 */
public final class LatencySeries {
    public static final long HIGHEST_MICROS = 3_600_000_000L;

    private final Recorder recorder = new Recorder(HIGHEST_MICROS, 2);
    private final Histogram cumulative = new Histogram(HIGHEST_MICROS, 2);
    private final LongAdder count = new LongAdder();
    private final LongAdder sumNanos = new LongAdder();
    private Histogram recycled;

    public void record(long nanos) {
        recorder.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, nanos / 1000)));
        count.increment();
        sumNanos.add(nanos);
    }

    public long count() {
        return count.sum();
    }

    public double sumSeconds() {
        return sumNanos.sum() / 1e9;
    }

    /** Quantiles in seconds over everything recorded so far, in the order asked. */
    public synchronized double[] quantileSeconds(double... quantiles) {
        recycled = recorder.getIntervalHistogram(recycled);
        cumulative.add(recycled);
        double[] out = new double[quantiles.length];
        for (int i = 0; i < quantiles.length; i++) {
            out[i] = cumulative.getValueAtPercentile(quantiles[i] * 100) / 1e6;
        }
        return out;
    }
}
