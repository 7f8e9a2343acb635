package io.strongroom.loadtest.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small line chart rendered as inline SVG text (no scripts, no fonts or styles fetched), so the
 * report opens anywhere offline. The caller transforms x (e.g. the percentile axis to a log scale)
 * and may give its own x tick labels.
 */
final class SvgChart {

    record Series(String name, String color, double[] xs, double[] ys) {}

    record Tick(double value, String label) {}

    private static final int WIDTH = 760;
    private static final int HEIGHT = 340;
    private static final int LEFT = 70;
    /** Room for half of the widest x label ("99.9999%") right of the last tick. */
    private static final int RIGHT = 40;

    private static final int TOP = 34;
    private static final int BOTTOM = 50;
    private static final int MAX_INTERVALS = 10;
    /**
     * A value past a tick by less than this share of a step (invisible: under a pixel) ends the axis at that tick:
     * a 20 s window's last second ends a hair after 20 s.
     */
    private static final double SLACK = 1e-3;

    private SvgChart() {}

    static String render(String title, String xLabel, String yLabel, List<Series> series, List<Tick> xTicks) {
        double xMin = Double.MAX_VALUE;
        double xMax = -Double.MAX_VALUE;
        double yMax = 0;
        for (Series s : series) {
            for (int i = 0; i < s.xs().length; i++) {
                xMin = Math.min(xMin, s.xs()[i]);
                xMax = Math.max(xMax, s.xs()[i]);
                yMax = Math.max(yMax, s.ys()[i]);
            }
        }
        if (xTicks != null && !xTicks.isEmpty()) {
            xMin = xTicks.get(0).value();
            xMax = Math.max(xMax, xTicks.get(xTicks.size() - 1).value());
        }
        if (xMin == Double.MAX_VALUE) {
            xMin = 0;
            xMax = 1;
        }
        if (xMax <= xMin) {
            xMax = xMin + 1;
        }
        List<Tick> yTicks = niceTicks(0, yMax);
        double yTop = yTicks.get(yTicks.size() - 1).value();
        List<Tick> xs = xTicks;
        if (xs == null) {
            xs = niceTicks(xMin, xMax);
            xMin = xs.get(0).value();
            xMax = xs.get(xs.size() - 1).value();
        }
        Frame f = new Frame(xMin, xMax, 0, yTop);
        StringBuilder svg = new StringBuilder(4096);
        svg.append(fmt(
                "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\" "
                        + "style=\"font-family:sans-serif;font-size:11px;background:#fff\">\n",
                WIDTH, HEIGHT, WIDTH, HEIGHT, Html.escape(title)));
        svg.append(fmt(
                "<text x=\"%d\" y=\"18\" style=\"font-size:14px;font-weight:bold\">%s</text>\n",
                LEFT, Html.escape(title)));
        for (Tick t : yTicks) {
            double y = f.y(t.value());
            svg.append(fmt(
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>", LEFT, y, WIDTH - RIGHT, y));
            svg.append(fmt(
                    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                    LEFT - 6, y + 4, Html.escape(t.label())));
        }
        for (Tick t : xs) {
            double x = f.x(t.value());
            svg.append(fmt(
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>", x, TOP, x, HEIGHT - BOTTOM));
            svg.append(fmt(
                    "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                    x, HEIGHT - BOTTOM + 16, Html.escape(t.label())));
        }
        svg.append(fmt(
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n",
                LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM));
        svg.append(fmt(
                "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
                LEFT + (WIDTH - LEFT - RIGHT) / 2, HEIGHT - 10, Html.escape(xLabel)));
        svg.append(fmt(
                "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">%s</text>\n",
                TOP + (HEIGHT - TOP - BOTTOM) / 2, TOP + (HEIGHT - TOP - BOTTOM) / 2, Html.escape(yLabel)));
        int legendX = LEFT + 10;
        for (Series s : series) {
            svg.append("<polyline fill=\"none\" stroke-width=\"1.8\" stroke=\"")
                    .append(s.color())
                    .append("\" points=\"");
            for (int i = 0; i < s.xs().length; i++) {
                svg.append(fmt("%.1f,%.1f ", f.x(s.xs()[i]), f.y(s.ys()[i])));
            }
            svg.append("\"/>\n");
            svg.append(fmt(
                    "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>", legendX, TOP + 10, s.color()));
            svg.append(fmt("<text x=\"%d\" y=\"%d\">%s</text>\n", legendX + 16, TOP + 15, Html.escape(s.name())));
            legendX += 30 + 7 * s.name().length();
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private record Frame(double xMin, double xMax, double yMin, double yMax) {
        double x(double v) {
            return LEFT + (v - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT);
        }

        double y(double v) {
            double h = yMax - yMin;
            return HEIGHT - BOTTOM - (h <= 0 ? 0 : (v - yMin) / h * (HEIGHT - TOP - BOTTOM));
        }
    }

    /**
     * Ticks of an axis that fits {@code [min, max]} snugly: a step of 1, 2, 2.5 or 5 times a power of ten, the
     * smallest that needs at most {@link #MAX_INTERVALS} intervals, the axis from the multiple of the step at or below
     * {@code min} to the one at or above {@code max} (a 20.3 s run: 0 to 22.5 s in steps of 2.5; not 0 to 50).
     */
    static List<Tick> niceTicks(double min, double max) {
        if (!(max > min)) {
            max = min + (min == 0 ? 1 : Math.abs(min));
        }
        double step = niceStep(min, max);
        long first = (long) Math.floor(min / step + SLACK);
        long last = (long) Math.ceil(max / step - SLACK);
        List<Tick> ticks = new ArrayList<>();
        for (long i = first; i <= last; i++) {
            double v = i * step;
            ticks.add(new Tick(v, label(v)));
        }
        return ticks;
    }

    private static double niceStep(double min, double max) {
        double p = Math.pow(10, Math.floor(Math.log10((max - min) / MAX_INTERVALS)));
        for (double decade = p; ; decade *= 10) {
            for (double m : new double[] {1, 2, 2.5, 5}) {
                double step = m * decade;
                if (Math.ceil(max / step - SLACK) - Math.floor(min / step + SLACK) <= MAX_INTERVALS) {
                    return step;
                }
            }
        }
    }

    /** A tick's label: as few digits as the value needs (2.5, 20, 0.05, 12500). */
    static String label(double v) {
        return BigDecimal.valueOf(v)
                .round(new MathContext(6))
                .stripTrailingZeros()
                .toPlainString();
    }

    private static String fmt(String pattern, Object... args) {
        return String.format(Locale.US, pattern, args);
    }
}
