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
        Metric duration = MetricCatalog.HTTP_REQUEST_DURATION;
        String text = new PrometheusWriter()
                .family(duration)
                .sample(duration, 0.5, "route", "GET /a", "quantile", "0.5")
                .summarySum(duration, 2, "route", "GET /a")
                .summaryCount(duration, 4, "route", "GET /a")
                .toString();
        assertEquals(
                "# HELP strongroom_http_request_duration_seconds " + duration.help() + "\n"
                        + "# TYPE strongroom_http_request_duration_seconds summary\n"
                        + "strongroom_http_request_duration_seconds{route=\"GET /a\",quantile=\"0.5\"} 0.5\n"
                        + "strongroom_http_request_duration_seconds_sum{route=\"GET /a\"} 2\n"
                        + "strongroom_http_request_duration_seconds_count{route=\"GET /a\"} 4\n",
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
            assertTrue(m.name().startsWith("strongroom_"), m.name());
            assertEquals(m.type() == Metric.Type.COUNTER, m.name().endsWith("_total"), m.name());
        }
        assertThrows(
                IllegalArgumentException.class, () -> new Metric("strongroom-bad name", Metric.Type.GAUGE, "help"));
    }

    @Test
    void numbersAreLocaleIndependent() {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertEquals("0.000125", PrometheusWriter.format(0.000125));
            assertEquals("1.5", PrometheusWriter.format(1.5));
            assertEquals("42", PrometheusWriter.format(42));
            assertEquals("NaN", PrometheusWriter.format(Double.NaN));
        } finally {
            Locale.setDefault(saved);
        }
    }
}
