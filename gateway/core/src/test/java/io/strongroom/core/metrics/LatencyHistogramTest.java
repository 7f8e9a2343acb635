package io.strongroom.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    private static final Metric DURATION = MetricCatalog.NBD_REQUEST_DURATION;

    @Test
    void bucketsAreCumulativeWithInclusiveUpperBoundsAndCountIsTheInfBucket() {
        LatencyHistogram h = new LatencyHistogram(LatencyHistogram.VAULT_BUCKETS);
        h.record(1_000_000); // exactly 1 ms: in le="0.001"
        h.record(1_000_001, 2); // just above: le="0.0025"
        h.record(-5); // a clock step backwards counts as 0
        h.record(60_000_000_000L); // a minute: only +Inf
        assertEquals(5, h.count());

        PrometheusWriter out = new PrometheusWriter();
        h.writeTo(out, DURATION, "command", "read");
        String text = out.toString();
        String bucket = DURATION.name() + "_bucket{command=\"read\",le=";
        assertEquals(
                bucket + "\"0.001\"} 2\n" + bucket + "\"0.0025\"} 4\n" + bucket + "\"0.005\"} 4\n",
                text.substring(0, text.indexOf(bucket + "\"0.01\"")));
        assertEquals(true, text.contains(bucket + "\"30\"} 4\n" + bucket + "\"+Inf\"} 5\n"), text);
        assertEquals(
                true,
                text.endsWith(DURATION.name() + "_sum{command=\"read\"} 60.003000002\n" + DURATION.name()
                        + "_count{command=\"read\"} 5\n"),
                text);
    }

    @Test
    void theBucketOfADurationIsTheFirstWhoseBoundIsNotBelowIt() {
        Random random = new Random(15);
        for (LatencyHistogram.Buckets buckets :
                List.of(LatencyHistogram.REQUEST_BUCKETS, LatencyHistogram.VAULT_BUCKETS)) {
            List<Long> durations = new ArrayList<>(List.of(0L, 1L, Long.MAX_VALUE));
            for (long bound : buckets.boundsNanos()) {
                durations.addAll(List.of(bound - 1, bound, bound + 1));
            }
            for (int i = 0; i < 100_000; i++) {
                durations.add(random.nextLong(1L << random.nextInt(1, 63)));
            }
            for (long d : durations) {
                int expected = 0;
                while (expected < buckets.boundsNanos().length && d > buckets.boundsNanos()[expected]) {
                    expected++;
                }
                assertEquals(expected, buckets.index(d), "bucket of " + d + " ns");
            }
        }
    }

    @Test
    void onlyAHistogramFamilyTakesBuckets() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new LatencyHistogram(LatencyHistogram.REQUEST_BUCKETS)
                        .writeTo(new PrometheusWriter(), MetricCatalog.DEK_CACHE_SIZE));
        assertEquals("strongroom_dek_cache_size is a gauge, not a histogram", e.getMessage());
    }

    @Test
    void everyBucketOfABusyRecorderIsCounted() throws Exception {
        LatencyHistogram h = new LatencyHistogram(LatencyHistogram.REQUEST_BUCKETS);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 100_000; i++) {
                    h.record(i * 1_000L);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(400_000, h.count());
    }
}
