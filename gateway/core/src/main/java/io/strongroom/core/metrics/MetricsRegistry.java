package io.strongroom.core.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The sources of one gateway's {@code /metrics} page, in registration order. */
public final class MetricsRegistry {
    private final List<MetricsSource> sources = new CopyOnWriteArrayList<>();

    public MetricsRegistry register(MetricsSource source) {
        sources.add(source);
        return this;
    }

    /** The whole page in Prometheus text format. A failing source is counted, not a failed scrape. */
    public String scrape() {
        PrometheusWriter out = new PrometheusWriter();
        int failed = 0;
        for (MetricsSource s : sources) {
            PrometheusWriter part = new PrometheusWriter();
            try {
                s.writeTo(part);
                out.append(part);
            } catch (RuntimeException e) {
                failed++;
            }
        }
        out.family(MetricCatalog.METRICS_SOURCE_ERRORS);
        out.sample(MetricCatalog.METRICS_SOURCE_ERRORS, failed);
        return out.toString();
    }
}
