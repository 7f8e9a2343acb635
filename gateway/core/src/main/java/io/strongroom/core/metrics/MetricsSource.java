package io.strongroom.core.metrics;

/** Something that contributes metric families to a scrape (key states, DEK cache, vault latency, store, ...). */
@FunctionalInterface
public interface MetricsSource {
    /** Called on a worker or event-loop thread at each scrape; must not block. */
    void writeTo(PrometheusWriter out);
}
