package io.strongroom.http;

import io.strongroom.core.metrics.LatencySeries;
import io.strongroom.core.metrics.Metric;
import io.strongroom.core.metrics.MetricCatalog;
import io.strongroom.core.metrics.MetricsSource;
import io.strongroom.core.metrics.PrometheusWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests per route and HTTP status: latency summaries with quantiles 0.5, 0.9, 0.99, 0.999, count and sum,
 * plus body bytes in and out. Recording is allocation-free after the first request of a (route, status) pair:
 * a flat array indexed by route and status, no map lookup or label string building on the request path.
 */
public final class RequestMetrics implements MetricsSource {
    static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};
    private static final String[] QUANTILE_LABELS = {"0.5", "0.9", "0.99", "0.999"};
    private static final int MIN_STATUS = 100;
    private static final int STATUSES = 500;

    private final List<String> routeLabels;
    private final AtomicReferenceArray<LatencySeries> series;
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();

    /** @param routeLabels label of each route id (index = id), e.g. {@code GET /v1/volumes/{name}/blocks/{n}} */
    public RequestMetrics(List<String> routeLabels) {
        this.routeLabels = List.copyOf(routeLabels);
        this.series = new AtomicReferenceArray<>(routeLabels.size() * STATUSES);
    }

    public void record(int routeId, int status, long nanos) {
        int s = status - MIN_STATUS;
        if (s < 0 || s >= STATUSES) {
            s = 500 - MIN_STATUS;
        }
        int index = routeId * STATUSES + s;
        LatencySeries one = series.get(index);
        if (one == null) {
            series.compareAndSet(index, null, new LatencySeries());
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
        LatencySeries one = series.get(routeId * STATUSES + status - MIN_STATUS);
        return one == null ? 0 : one.count();
    }

    @Override
    public void writeTo(PrometheusWriter out) {
        Metric duration = MetricCatalog.HTTP_REQUEST_DURATION;
        out.family(duration);
        for (int i = 0; i < series.length(); i++) {
            LatencySeries one = series.get(i);
            if (one == null) {
                continue;
            }
            String route = routeLabels.get(i / STATUSES);
            String status = Integer.toString(i % STATUSES + MIN_STATUS);
            double[] q = one.quantileSeconds(QUANTILES);
            for (int k = 0; k < q.length; k++) {
                out.sample(duration, q[k], "route", route, "status", status, "quantile", QUANTILE_LABELS[k]);
            }
            out.summarySum(duration, one.sumSeconds(), "route", route, "status", status);
            out.summaryCount(duration, one.count(), "route", route, "status", status);
        }
        out.family(MetricCatalog.HTTP_REQUEST_BYTES);
        out.sample(MetricCatalog.HTTP_REQUEST_BYTES, bytesIn.sum());
        out.family(MetricCatalog.HTTP_RESPONSE_BYTES);
        out.sample(MetricCatalog.HTTP_RESPONSE_BYTES, bytesOut.sum());
    }
}
