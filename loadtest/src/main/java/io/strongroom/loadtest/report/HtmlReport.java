package io.strongroom.loadtest.report;

import io.strongroom.loadtest.cli.LoadTestOptions;
import io.strongroom.loadtest.load.RunResult;
import io.strongroom.loadtest.load.Target;
import io.strongroom.loadtest.measure.TimelinePoint;
import io.strongroom.loadtest.nbd.NbdTarget;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * report.html: one self-contained page (inline SVG and CSS, no script, nothing fetched). Target URLs
 * are shown as host:port and scheme separately, so the page holds no absolute URL at all.
 */
public final class HtmlReport {

    /** The percentile axis ends at 99.9999% (x = 6), like HdrHistogram's plotter. */
    private static final double MAX_NINES = 6;

    private static final String CORRECTED_COLOR = "#c0392b";
    private static final String UNCORRECTED_COLOR = "#2471a3";

    private HtmlReport() {}

    public static String render(RunResult r) {
        LoadTestOptions o = r.options();
        StringBuilder h = new StringBuilder(32 * 1024);
        String title = "Strongroom load test" + (o.label().isEmpty() ? "" : ": " + o.label());
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(Html.escape(title))
                .append("</title>\n<style>")
                .append(
                        "body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 16px}")
                .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}")
                .append("td.l,th.l{text-align:left}.note{color:#555;font-size:13px;max-width:760px}")
                .append("</style></head><body>\n");
        h.append("<h1>").append(Html.escape(title)).append("</h1>\n");
        h.append("<p class=\"note\">Started ")
                .append(Instant.ofEpochMilli(r.startEpochMillis()))
                .append(" &middot; ")
                .append(
                        o.model() == LoadTestOptions.Model.OPEN
                                ? fmt(
                                        "open model at %.1f req/s (latency from intended send time: coordinated omission corrected)",
                                        o.rate())
                                : fmt("closed model, %d connections as fast as they go", o.connections()))
                .append("</p>\n");
        for (String w : r.warnings()) {
            h.append("<p><strong>Warning:</strong> ").append(Html.escape(w)).append("</p>\n");
        }
        results(h, r);
        h.append("<h2>Latency by percentile</h2>\n");
        h.append(percentileChart(r.corrected(), r.uncorrected(), o.model() == LoadTestOptions.Model.OPEN));
        h.append("<p class=\"note\">x axis: log scale of 1/(1&minus;percentile), as HdrHistogram's plotter draws it. "
                + "Corrected = from each request's intended send time; uncorrected = from its actual send time.</p>\n");
        h.append("<h2>Over time</h2>\n");
        h.append(throughputChart(r.timeline()));
        h.append(p99Chart(r.timeline()));
        facts(h, r);
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void results(StringBuilder h, RunResult r) {
        h.append("<table><tr><th class=\"l\">result</th><th>value</th></tr>\n");
        if (r.options().model() == LoadTestOptions.Model.OPEN) {
            row(h, "target rate (req/s)", fmt("%.1f", r.targetRate()));
        }
        row(h, "achieved rate (req/s)", fmt("%.1f", r.achievedRate()));
        row(h, "requests in window", Long.toString(r.windowCount()));
        row(h, "window (s)", fmt("%.3f", r.windowSeconds()));
        row(h, "errors", Long.toString(r.errors()));
        row(h, "unfinished at end", Long.toString(r.unfinished()));
        for (Map.Entry<String, Long> e : r.countsByStatus().entrySet()) {
            row(h, "status " + e.getKey(), Long.toString(e.getValue()));
        }
        h.append("</table>\n<table><tr><th class=\"l\">latency (ms)</th>");
        for (String k : SummaryJson.KEYS) {
            h.append("<th>").append(k).append("</th>");
        }
        h.append("<th>max</th></tr>\n");
        latencyRow(h, "corrected", r.corrected());
        latencyRow(h, "uncorrected", r.uncorrected());
        if (r.generatorLag() != null) {
            latencyRow(h, "generator lag", r.generatorLag());
        }
        h.append("</table>\n");
    }

    private static void latencyRow(StringBuilder h, String name, Histogram hist) {
        h.append("<tr><td class=\"l\">").append(name).append("</td>");
        for (double p : SummaryJson.PERCENTILES) {
            h.append("<td>")
                    .append(fmt("%.3f", hist.getValueAtPercentile(p) / 1e6))
                    .append("</td>");
        }
        h.append("<td>").append(fmt("%.3f", hist.getMaxValue() / 1e6)).append("</td></tr>\n");
    }

    private static void facts(StringBuilder h, RunResult r) {
        MachineFacts m = r.machine();
        h.append("<h2>Machine and JVMs</h2>\n<table><tr><th class=\"l\">fact</th><th class=\"l\">value</th></tr>\n");
        rowLeft(h, "cores", Integer.toString(m.cores()));
        rowLeft(h, "cpu", m.cpuModel());
        rowLeft(h, "os", m.os());
        h.append("</table>\n<table><tr><th class=\"l\">JVM</th><th class=\"l\">load tool</th>"
                + "<th class=\"l\">gateway</th></tr>\n");
        Map<String, Object> gateway =
                m.gateway() == null ? Map.of() : m.gateway().toMap();
        for (Map.Entry<String, Object> e : m.loadTool().toMap().entrySet()) {
            h.append("<tr><td class=\"l\">")
                    .append(Html.escape(e.getKey()))
                    .append("</td><td class=\"l\">")
                    .append(Html.escape(shown(e.getKey(), e.getValue())))
                    .append("</td><td class=\"l\">")
                    .append(Html.escape(
                            m.gateway() == null
                                    ? "not known (a gateway in another process: its /health has its AES-NI probe)"
                                    : shown(e.getKey(), gateway.get(e.getKey()))))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n<h2>Configuration</h2>\n<table><tr><th class=\"l\">setting</th>"
                + "<th class=\"l\">value</th></tr>\n");
        for (String t : r.options().targets()) {
            if (NbdTarget.isNbd(t)) {
                rowLeft(h, "target", NbdTarget.parse(t) + " (NBD)");
            } else {
                Target target = Target.parse(t);
                rowLeft(
                        h,
                        "target",
                        target.host() + ":" + target.port() + target.basePath()
                                + (target.ssl() ? " (TLS)" : " (plain)"));
            }
        }
        for (Map.Entry<String, Object> e : r.options().toMap().entrySet()) {
            if (!e.getKey().equals("targets")) {
                rowLeft(h, e.getKey(), String.valueOf(e.getValue()));
            }
        }
        h.append("</table>\n");
    }

    /** Byte limits in MiB, the rest as they are. */
    private static String shown(String key, Object value) {
        if (key.endsWith("Bytes") && value instanceof Long bytes) {
            return fmt("%d MiB", bytes / (1024 * 1024));
        }
        return String.valueOf(value);
    }

    static String percentileChart(Histogram corrected, Histogram uncorrected, boolean showBoth) {
        List<SvgChart.Series> series = new ArrayList<>();
        series.add(percentileSeries(showBoth ? "corrected" : "latency", CORRECTED_COLOR, corrected));
        if (showBoth) {
            series.add(percentileSeries("uncorrected", UNCORRECTED_COLOR, uncorrected));
        }
        List<SvgChart.Tick> ticks = List.of(
                new SvgChart.Tick(0, "0%"),
                new SvgChart.Tick(1, "90%"),
                new SvgChart.Tick(2, "99%"),
                new SvgChart.Tick(3, "99.9%"),
                new SvgChart.Tick(4, "99.99%"),
                new SvgChart.Tick(5, "99.999%"),
                new SvgChart.Tick(6, "99.9999%"));
        return SvgChart.render("Latency by percentile", "percentile", "latency (ms)", series, ticks);
    }

    private static SvgChart.Series percentileSeries(String name, String color, Histogram hist) {
        List<double[]> points = new ArrayList<>();
        if (hist.getTotalCount() > 0) {
            for (HistogramIterationValue v : hist.percentiles(5)) {
                double p = v.getPercentileLevelIteratedTo() / 100.0;
                double x = p >= 1.0 ? MAX_NINES : Math.min(MAX_NINES, Math.log10(1.0 / (1.0 - p)));
                points.add(new double[] {x, hist.highestEquivalentValue(v.getValueIteratedTo()) / 1e6});
                if (x >= MAX_NINES) {
                    break;
                }
            }
        }
        return toSeries(name, color, points);
    }

    private static String throughputChart(List<TimelinePoint> timeline) {
        List<double[]> pts = new ArrayList<>();
        for (TimelinePoint p : timeline) {
            pts.add(new double[] {p.endSeconds(), p.requestsPerSec()});
        }
        return SvgChart.render(
                "Throughput", "time (s)", "requests/s", List.of(toSeries("req/s", "#1e8449", pts)), null);
    }

    private static String p99Chart(List<TimelinePoint> timeline) {
        List<double[]> corrected = new ArrayList<>();
        List<double[]> uncorrected = new ArrayList<>();
        for (TimelinePoint p : timeline) {
            corrected.add(new double[] {p.endSeconds(), p.p99Millis()});
            uncorrected.add(new double[] {p.endSeconds(), p.p99UncorrectedMillis()});
        }
        return SvgChart.render(
                "p99 latency per second",
                "time (s)",
                "p99 (ms)",
                List.of(
                        toSeries("corrected", CORRECTED_COLOR, corrected),
                        toSeries("uncorrected", UNCORRECTED_COLOR, uncorrected)),
                null);
    }

    private static SvgChart.Series toSeries(String name, String color, List<double[]> points) {
        double[] xs = new double[points.size()];
        double[] ys = new double[points.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = points.get(i)[0];
            ys[i] = points.get(i)[1];
        }
        return new SvgChart.Series(name, color, xs, ys);
    }

    private static void row(StringBuilder h, String k, String v) {
        h.append("<tr><td class=\"l\">")
                .append(Html.escape(k))
                .append("</td><td>")
                .append(Html.escape(v))
                .append("</td></tr>\n");
    }

    private static void rowLeft(StringBuilder h, String k, String v) {
        h.append("<tr><td class=\"l\">")
                .append(Html.escape(k))
                .append("</td><td class=\"l\">")
                .append(Html.escape(v))
                .append("</td></tr>\n");
    }

    private static String fmt(String pattern, Object... args) {
        return String.format(Locale.US, pattern, args);
    }
}
