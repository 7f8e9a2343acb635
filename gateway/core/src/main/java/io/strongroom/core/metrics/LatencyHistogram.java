package io.strongroom.core.metrics;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram of durations with fixed bucket bounds: one {@link LongAdder} per bucket and one for the sum,
 * so recording is a binary search over a dozen bounds and two striped increments (no lock, no allocation, any thread).
 * Everything is cumulative over the process lifetime, as Prometheus expects: {@code rate()} and
 * {@code histogram_quantile()} over a range give recent quantiles. A scrape reads the buckets once and derives
 * {@code _count} from them, so {@code _count} always equals the {@code +Inf} bucket.
 */
public final class LatencyHistogram {
    /** Block I/O and HTTP requests: 10 µs to 10 s. */
    public static final Buckets REQUEST_BUCKETS = Buckets.seconds(
            0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
            0.5, 1, 2.5, 10);
    /** Key vault calls: 1 ms to 30 s. */
    public static final Buckets VAULT_BUCKETS =
            Buckets.seconds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30);

    /**
     * Upper bounds (inclusive, as Prometheus' {@code le}) of the finite buckets, ascending. Finding a duration's bucket
     * starts from the first bound at or above the duration's power of two (a table of 64), then steps past at most a
     * bound or two: no search whose branches depend on every bit of the duration.
     */
    public static final class Buckets {
        private final long[] boundsNanos;
        private final String[] labels;
        private final int[] firstByLog2 = new int[64];

        private Buckets(long[] boundsNanos, String[] labels) {
            this.boundsNanos = boundsNanos;
            this.labels = labels;
            for (int log2 = 0; log2 < 64; log2++) {
                long low = 1L << log2;
                int i = 0;
                while (i < boundsNanos.length && boundsNanos[i] < low) {
                    i++;
                }
                firstByLog2[log2] = i;
            }
        }

        static Buckets seconds(double... bounds) {
            long[] nanos = new long[bounds.length];
            String[] labels = new String[bounds.length + 1];
            for (int i = 0; i < bounds.length; i++) {
                nanos[i] = Math.round(bounds[i] * 1e9);
                if (i > 0 && nanos[i] <= nanos[i - 1]) {
                    throw new IllegalArgumentException("bucket bounds must ascend: " + Arrays.toString(bounds));
                }
                labels[i] = PrometheusWriter.format(bounds[i]);
            }
            labels[bounds.length] = "+Inf";
            return new Buckets(nanos, labels);
        }

        long[] boundsNanos() {
            return boundsNanos.clone();
        }

        /** The bucket of a duration of at least 0 ns; the last index is {@code +Inf}. */
        int index(long nanos) {
            int i = firstByLog2[63 - Long.numberOfLeadingZeros(nanos | 1)];
            while (i < boundsNanos.length && nanos > boundsNanos[i]) {
                i++;
            }
            return i;
        }
    }

    private final Buckets buckets;
    private final LongAdder[] counts;
    private final LongAdder sumNanos = new LongAdder();

    public LatencyHistogram(Buckets buckets) {
        this.buckets = buckets;
        this.counts = new LongAdder[buckets.labels.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    public void record(long nanos) {
        record(nanos, 1);
    }

    /** Records {@code n} observations of the same duration (a negative duration counts as 0). */
    public void record(long nanos, long n) {
        long d = Math.max(0, nanos);
        counts[buckets.index(d)].add(n);
        sumNanos.add(d * n);
    }

    /** Observations recorded so far. */
    public long count() {
        long total = 0;
        for (LongAdder c : counts) {
            total += c.sum();
        }
        return total;
    }

    /**
     * The {@code _bucket} samples (cumulative, {@code le} last among the labels), {@code _sum} and {@code _count} of
     * one series of a histogram family; {@code labels} alternates names and values.
     */
    public void writeTo(PrometheusWriter out, Metric family, String... labels) {
        if (family.type() != Metric.Type.HISTOGRAM) {
            throw new IllegalArgumentException(
                    family.name() + " is a " + family.type().text() + ", not a histogram");
        }
        String bucket = family.name() + "_bucket";
        String[] withLe = Arrays.copyOf(labels, labels.length + 2);
        withLe[labels.length] = "le";
        long cumulative = 0;
        for (int i = 0; i < counts.length; i++) {
            cumulative += counts[i].sum();
            withLe[labels.length + 1] = buckets.labels[i];
            out.sample(bucket, cumulative, withLe);
        }
        out.sample(family.name() + "_sum", sumNanos.sum() / 1e9, labels);
        out.sample(family.name() + "_count", cumulative, labels);
    }
}
