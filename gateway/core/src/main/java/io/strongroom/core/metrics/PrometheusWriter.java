package io.strongroom.core.metrics;

import java.math.BigDecimal;

/**
 * Writes the Prometheus text exposition format (version 0.0.4). Numbers keep every digit a double has (a Unix time
 * with milliseconds, a large sum) and never depend on the default locale (a German one never turns {@code 0.5} into
 * {@code 0,5}).
 */
public final class PrometheusWriter {
    private final StringBuilder out = new StringBuilder(8192);

    /** {@code # HELP} and {@code # TYPE} lines; call once per metric family, before its samples. */
    public PrometheusWriter family(Metric metric) {
        return family(metric.name(), metric.type().text(), metric.help());
    }

    /** A family with one unlabelled sample: its {@code # HELP} and {@code # TYPE} lines and the value. */
    public PrometheusWriter single(Metric metric, double value) {
        return family(metric).sample(metric, value);
    }

    /** One sample of the family; {@code labels} alternates names and values. */
    public PrometheusWriter sample(Metric metric, double value, String... labels) {
        return sample(metric.name(), value, labels);
    }

    /** The {@code _sum} sample of a summary. */
    public PrometheusWriter summarySum(Metric metric, double value, String... labels) {
        return sample(summaryPart(metric, "_sum"), value, labels);
    }

    /** The {@code _count} sample of a summary. */
    public PrometheusWriter summaryCount(Metric metric, double value, String... labels) {
        return sample(summaryPart(metric, "_count"), value, labels);
    }

    private static String summaryPart(Metric metric, String suffix) {
        if (metric.type() != Metric.Type.SUMMARY) {
            throw new IllegalArgumentException(
                    metric.name() + " is a " + metric.type().text() + ", not a summary");
        }
        return metric.name() + suffix;
    }

    /**
     * {@code # HELP} and {@code # TYPE} lines of a family named at run time (a storage backend's own counters);
     * a family the gateway always has is declared in {@link MetricCatalog} and written with {@link #family(Metric)}.
     */
    public PrometheusWriter family(String name, String type, String help) {
        out.append("# HELP ")
                .append(name)
                .append(' ')
                .append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** One sample of a family named at run time; {@code labels} alternates names and values. */
    public PrometheusWriter sample(String name, double value, String... labels) {
        out.append(name);
        if (labels.length > 0) {
            out.append('{');
            for (int i = 0; i + 1 < labels.length; i += 2) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labels[i]).append("=\"");
                escapeLabel(labels[i + 1]);
                out.append('"');
            }
            out.append('}');
        }
        out.append(' ').append(format(value)).append('\n');
        return this;
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        double abs = Math.abs(value);
        if (abs >= 1e-9 && abs < 1e15) {
            return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
        }
        return Double.toString(value).replace('E', 'e');
    }

    private void escapeLabel(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    /** Appends everything another writer produced (a source written apart, so a failure leaves no half family). */
    void append(PrometheusWriter other) {
        out.append(other.out);
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
