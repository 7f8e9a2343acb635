package io.strongroom.http;

import io.strongroom.core.metrics.LatencyHistogram;
import io.strongroom.core.metrics.Metric;
import io.strongroom.core.metrics.MetricCatalog;
import io.strongroom.core.metrics.MetricsSource;
import io.strongroom.core.metrics.PrometheusWriter;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests per method, route template and HTTP status: latency histograms ({@link LatencyHistogram#REQUEST_BUCKETS}),
 * plus body bytes in and out. Recording is allocation-free after the first request of a (route, method, status): a
 * flat array indexed by all three, no map lookup or label string building on the request path.
 */
public final class RequestMetrics implements MetricsSource {
    private static final int MIN_STATUS = 100;
    private static final int STATUSES = 500;
    /** Method labels; a method the gateway serves nowhere counts as {@code other}. */
    static final List<String> METHODS = List.of("GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS", "other");

    private final List<String> routes;
    private final AtomicReferenceArray<LatencyHistogram> series;
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();

    /**
     * @param routeLabels label of each route id (index = id), such as {@code GET /v1/volumes/{name}/blocks/{n}}: the
     *     part after the method, the route template, is the {@code route} label ({@code unmatched} has no method)
     */
    public RequestMetrics(List<String> routeLabels) {
        this.routes =
                routeLabels.stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList();
        this.series = new AtomicReferenceArray<>(routeLabels.size() * METHODS.size() * STATUSES);
    }

    /** One answered request: its route id, the method the client sent (HEAD on a GET route stays HEAD), status. */
    public void record(int routeId, HttpMethod method, int status, long nanos) {
        int s = status - MIN_STATUS;
        if (s < 0 || s >= STATUSES) {
            s = 500 - MIN_STATUS;
        }
        int index = (routeId * METHODS.size() + methodSlot(method)) * STATUSES + s;
        LatencyHistogram one = series.get(index);
        if (one == null) {
            series.compareAndSet(index, null, new LatencyHistogram(LatencyHistogram.REQUEST_BUCKETS));
            one = series.get(index);
        }
        one.record(nanos);
    }

    public void addBytesIn(long n) {
        bytesIn.add(n);
    }

    public void addBytesOut(long n) {
        bytesOut.add(n);
    }

    /** Requests recorded so far for a route, method and status (tests). */
    long count(int routeId, HttpMethod method, int status) {
        LatencyHistogram one =
                series.get((routeId * METHODS.size() + methodSlot(method)) * STATUSES + status - MIN_STATUS);
        return one == null ? 0 : one.count();
    }

    private static int methodSlot(HttpMethod method) {
        int i = METHODS.indexOf(method.name());
        return i < 0 ? METHODS.size() - 1 : i;
    }

    @Override
    public void writeTo(PrometheusWriter out) {
        Metric duration = MetricCatalog.HTTP_REQUEST_DURATION;
        out.family(duration);
        for (int i = 0; i < series.length(); i++) {
            LatencyHistogram one = series.get(i);
            if (one != null) {
                int routeAndMethod = i / STATUSES;
                one.writeTo(
                        out,
                        duration,
                        "method",
                        METHODS.get(routeAndMethod % METHODS.size()),
                        "route",
                        routes.get(routeAndMethod / METHODS.size()),
                        "status",
                        Integer.toString(i % STATUSES + MIN_STATUS));
            }
        }
        out.family(MetricCatalog.HTTP_REQUEST_BYTES);
        out.sample(MetricCatalog.HTTP_REQUEST_BYTES, bytesIn.sum());
        out.family(MetricCatalog.HTTP_RESPONSE_BYTES);
        out.sample(MetricCatalog.HTTP_RESPONSE_BYTES, bytesOut.sum());
    }
}
