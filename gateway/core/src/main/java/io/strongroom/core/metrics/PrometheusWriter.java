package io.strongroom.core.metrics;

import java.util.Locale;

/**
 * Writes the Prometheus text exposition format (version 0.0.4). Numbers are formatted with
 * {@link Locale#US} so a German or French default locale never turns {@code 0.5} into {@code 0,5}.
 */
public final class PrometheusWriter {
    private final StringBuilder out = new StringBuilder(8192);

    /** {@code # HELP} and {@code # TYPE} lines; call once per metric family, before its samples. */
    public PrometheusWriter family(String name, String type, String help) {
        out.append("# HELP ")
                .append(name)
                .append(' ')
                .append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    /** One sample; {@code labels} alternates names and values. */
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
        return String.format(Locale.US, "%.9g", value).replaceFirst("\\.?0+(e|$)", "$1");
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
