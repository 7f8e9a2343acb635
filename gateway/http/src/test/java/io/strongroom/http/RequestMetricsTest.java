package io.strongroom.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.metrics.MetricsRegistry;
import io.strongroom.core.metrics.PrometheusWriter;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestMetricsTest {

    @Test
    void histogramsPerMethodRouteAndStatusInPrometheusText() {
        RequestMetrics metrics = new RequestMetrics(List.of("GET /a/{n}", "PUT /b", "unmatched"));
        for (int i = 1; i <= 1000; i++) {
            metrics.record(0, HttpMethod.GET, 200, i * 1000L);
        }
        metrics.record(0, HttpMethod.HEAD, 200, 1_000L);
        metrics.record(1, HttpMethod.PUT, 404, 5_000_000L);
        metrics.record(2, HttpMethod.PATCH, 405, 1_000L);
        metrics.addBytesOut(8192);
        assertEquals(1000, metrics.count(0, HttpMethod.GET, 200));
        assertEquals(1, metrics.count(0, HttpMethod.HEAD, 200));
        assertEquals(0, metrics.count(1, HttpMethod.PUT, 200));

        PrometheusWriter out = new PrometheusWriter();
        metrics.writeTo(out);
        String text = out.toString();
        assertTrue(text.contains("# TYPE strongroom_http_request_duration_seconds histogram"), text);
        String a = "{method=\"GET\",route=\"/a/{n}\",status=\"200\"";
        assertEquals(1000, value(text, "strongroom_http_request_duration_seconds_count" + a + "}"));
        assertEquals(
                1,
                value(
                        text,
                        "strongroom_http_request_duration_seconds_count{method=\"PUT\",route=\"/b\",status=\"404\"}"));
        assertEquals(
                1,
                value(
                        text,
                        "strongroom_http_request_duration_seconds_count{method=\"other\",route=\"unmatched\",status=\"405\"}"));
        // 1 µs .. 1 ms in steps of 1 µs: 10 at or below 10 µs, 250 at or below 250 µs, all 1000 at or below 1 ms
        assertEquals(10, value(text, "strongroom_http_request_duration_seconds_bucket" + a + ",le=\"0.00001\"}"));
        assertEquals(250, value(text, "strongroom_http_request_duration_seconds_bucket" + a + ",le=\"0.00025\"}"));
        assertEquals(1000, value(text, "strongroom_http_request_duration_seconds_bucket" + a + ",le=\"0.001\"}"));
        assertEquals(1000, value(text, "strongroom_http_request_duration_seconds_bucket" + a + ",le=\"+Inf\"}"));
        assertEquals(0.5005, value(text, "strongroom_http_request_duration_seconds_sum" + a + "}"), 1e-9);
        assertEquals(8192, value(text, "strongroom_http_response_bytes_total"));
    }

    @Test
    void labelValuesAreEscaped() {
        String text = new PrometheusWriter().sample("m", 1, "l", "a\"b\\c\nd").toString();
        assertEquals("m{l=\"a\\\"b\\\\c\\nd\"} 1\n", text);
    }

    @Test
    void aFailingSourceDoesNotBreakTheScrape() {
        MetricsRegistry registry = new MetricsRegistry()
                .register(out -> out.family("ok", "gauge", "fine").sample("ok", 1))
                .register(out -> {
                    out.family("half", "gauge", "written before failing");
                    throw new IllegalStateException("boom");
                });
        String text = registry.scrape();
        assertTrue(text.contains("ok 1\n"), text);
        assertTrue(!text.contains("half"), text);
        assertTrue(text.contains("strongroom_metrics_source_errors 1"), text);
    }

    private static double value(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        throw new AssertionError("no series " + series + " in\n" + text);
    }
}
