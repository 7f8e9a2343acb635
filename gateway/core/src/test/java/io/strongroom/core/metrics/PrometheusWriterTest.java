package io.strongroom.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrometheusWriterTest {
    @Test
    void aCatalogMetricWritesItsDeclaredNameTypeAndHelp() {
        Metric gc = MetricCatalog.JVM_GC_COLLECTION;
        String text = new PrometheusWriter()
                .family(gc)
                .summarySum(gc, 2.5, "gc", "G1 Young Generation")
                .summaryCount(gc, 4, "gc", "G1 Young Generation")
                .toString();
        assertEquals(
                "# HELP jvm_gc_collection_seconds " + gc.help() + "\n"
                        + "# TYPE jvm_gc_collection_seconds summary\n"
                        + "jvm_gc_collection_seconds_sum{gc=\"G1 Young Generation\"} 2.5\n"
                        + "jvm_gc_collection_seconds_count{gc=\"G1 Young Generation\"} 4\n",
                text);
    }

    @Test
    void onlyASummaryHasSumAndCount() {
        PrometheusWriter out = new PrometheusWriter();
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> out.summarySum(MetricCatalog.DEK_CACHE_HITS, 1));
        assertEquals("strongroom_dek_cache_hits_total is a counter, not a summary", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> out.summaryCount(MetricCatalog.DEK_CACHE_SIZE, 1));
    }

    @Test
    void catalogNamesAreValidAndUnique() {
        Set<String> names = new HashSet<>();
        for (Metric m : MetricCatalog.ALL) {
            assertTrue(names.add(m.name()), "declared twice: " + m.name());
            assertTrue(m.name().matches("(strongroom|jvm|process)_[a-z_]+"), m.name());
            assertEquals(m.type() == Metric.Type.COUNTER, m.name().endsWith("_total"), m.name());
        }
        assertThrows(
                IllegalArgumentException.class, () -> new Metric("strongroom-bad name", Metric.Type.GAUGE, "help"));
    }

    @Test
    void numbersKeepEveryDigitAndIgnoreTheLocale() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertEquals("0.000125", PrometheusWriter.format(0.000125));
            assertEquals("1.5", PrometheusWriter.format(1.5));
            assertEquals("42", PrometheusWriter.format(42));
            assertEquals("NaN", PrometheusWriter.format(Double.NaN));
            assertEquals("0.00001", PrometheusWriter.format(1e-5));
            assertEquals("1796279950.123", PrometheusWriter.format(1796279950.123), "a start time keeps its ms");
            assertEquals("60.003000002", PrometheusWriter.format(60.003000002));
            assertEquals("1.0e-12", PrometheusWriter.format(1e-12));
            assertEquals("1.5e15", PrometheusWriter.format(1.5e15));
        } finally {
            Locale.setDefault(saved);
        }
    }
}
