package io.strongroom.core.store;

import io.strongroom.core.metrics.Metric;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A counter or gauge only some backends have (the local backend's journal syncs and group-commit batches, say),
 * carried in {@link BlockStoreStats#details()} so that the stats every backend shares stay generic. Reported as
 * {@code storage.<name>} in {@code GET /health} and as the family {@link #metric()} in {@code GET /metrics}.
 *
 * @param name  camelCase, unique within one store's details, e.g. {@code journalSyncs}
 * @param type  {@link Metric.Type#COUNTER} (only grows) or {@link Metric.Type#GAUGE} (goes up and down)
 * @param value the value now
 * @param help  one line saying what is counted, for the metrics page
 */
public record StoreMetric(String name, Metric.Type type, long value, String help) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-zA-Z0-9]*");

    public StoreMetric {
        Objects.requireNonNull(help, "help");
        if (type != Metric.Type.COUNTER && type != Metric.Type.GAUGE) {
            throw new IllegalArgumentException("a store metric is a counter or a gauge, not " + type);
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("store metric name must be camelCase ASCII, not " + name);
        }
    }

    public static StoreMetric counter(String name, long value, String help) {
        return new StoreMetric(name, Metric.Type.COUNTER, value, help);
    }

    public static StoreMetric gauge(String name, long value, String help) {
        return new StoreMetric(name, Metric.Type.GAUGE, value, help);
    }

    /**
     * The family on the metrics page: {@code journalSyncs} → {@code strongroom_store_journal_syncs_total}
     * ({@code _total} for counters only).
     */
    public Metric metric() {
        StringBuilder out = new StringBuilder("strongroom_store_");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        if (type == Metric.Type.COUNTER) {
            out.append("_total");
        }
        return new Metric(out.toString(), type, help);
    }
}
