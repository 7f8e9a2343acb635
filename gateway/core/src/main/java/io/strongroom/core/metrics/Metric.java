package io.strongroom.core.metrics;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One metric family of the {@code /metrics} page: its name, type and help line. Every family is declared once, in
 * {@link MetricCatalog}; the code that writes it, the tests that read it and the documentation check use that
 * declaration, so a name cannot drift between them.
 */
public record Metric(String name, Type type, String help) {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    /** The Prometheus metric types the gateway exposes. */
    public enum Type {
        COUNTER,
        GAUGE,
        HISTOGRAM,
        SUMMARY;

        /** The word on the {@code # TYPE} line. */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Metric {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(help, "help");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a Prometheus metric name: " + name);
        }
    }

    static Metric counter(String name, String help) {
        return new Metric(name, Type.COUNTER, help);
    }

    static Metric gauge(String name, String help) {
        return new Metric(name, Type.GAUGE, help);
    }

    static Metric histogram(String name, String help) {
        return new Metric(name, Type.HISTOGRAM, help);
    }

    static Metric summary(String name, String help) {
        return new Metric(name, Type.SUMMARY, help);
    }
}
