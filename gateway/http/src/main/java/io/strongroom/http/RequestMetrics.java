package io.strongroom.http;

import io.strongroom.core.metrics.LatencyHistogram;
import io.strongroom.core.metrics.Metric;
import io.strongroom.core.metrics.MetricCatalog;
import io.strongroom.core.metrics.MetricsSource;
import io.strongroom.core.metrics.PrometheusWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests per method, route template and HTTP status: latency histograms ({@link LatencyHistogram#REQUEST_BUCKETS}),
 * plus body bytes in and out. Recording is allocation-free after the first request of a (route, status) pair: a flat
 * array indexed by route and status, no map lookup or label string building on the request path.
 */
public final class RequestMetrics implements MetricsSource {
    private static final int MIN_STATUS = 100;
    private static final int STATUSES = 500;
    /** The method label of a route label without one (no route matched: the method may be anything a client sent). */
    private static final String ANY_METHOD = "other";

    private final List<String> methods;
    private final List<String> routes;
    private final AtomicReferenceArray<LatencyHistogram> series;
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();

    /**
     * @param routeLabels label of each route id (index = id): a method and a route template such as
     *     {@code GET /v1/volumes/{name}/blocks/{n}}, which become the {@code method} and {@code route} labels
     */
    public RequestMetrics(List<String> routeLabels) {
        this.methods = routeLabels.stream()
                .map(l -> l.indexOf(' ') < 0 ? ANY_METHOD : l.substring(0, l.indexOf(' ')))
                .toList();
        this.routes =
                routeLabels.stream().map(l -> l.substring(l.indexOf(' ') + 1)).toList();
        this.series = new AtomicReferenceArray<>(routeLabels.size() * STATUSES);
    }

    public void record(int routeId, int status, long nanos) {
        int s = status - MIN_STATUS;
        if (s < 0 || s >= STATUSES) {
            s = 500 - MIN_STATUS;
        }
        int index = routeId * STATUSES + s;
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

    /** Requests recorded so far for a route and status (tests, health). */
    public long count(int routeId, int status) {
        LatencyHistogram one = series.get(routeId * STATUSES + status - MIN_STATUS);
        return one == null ? 0 : one.count();
    }

    @Override
    public void writeTo(PrometheusWriter out) {
        Metric duration = MetricCatalog.HTTP_REQUEST_DURATION;
        out.family(duration);
        for (int i = 0; i < series.length(); i++) {
            LatencyHistogram one = series.get(i);
            if (one != null) {
                int route = i / STATUSES;
                one.writeTo(
                        out,
                        duration,
                        "method",
                        methods.get(route),
                        "route",
                        routes.get(route),
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
