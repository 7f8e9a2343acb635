package io.strongroom.loadtest.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.strongroom.loadtest.baseline.BaselineServer;
import io.strongroom.loadtest.cli.LoadTestOptions;
import io.strongroom.loadtest.load.LoadRun;
import io.strongroom.loadtest.load.RunResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report files parse back. HdrHistogram has no reader for the .hgrm percentile table, so the
 * .hlog interval log is read with its own HistogramLogReader, and the .hgrm table must agree with the
 * histogram rebuilt from it; summary.json parses; report.html holds its charts and fetches nothing.
 */
class ReportFilesTest {

    private static final Pattern ROW =
            Pattern.compile("^\\s*([0-9.]+)\\s+([0-9.]+)\\s+(\\d+)(?:\\s+([0-9.]+|Infinity))?\\s*$");
    private static final Pattern FOOTER_MAX = Pattern.compile("#\\[Max\\s*=\\s*([0-9.]+), Total count\\s*=\\s*(\\d+)]");

    private static Vertx serverVertx;
    private static BaselineServer server;
    private static RunResult result;
    private static Path dir;

    @BeforeAll
    static void runAndWrite(@TempDir Path tmp) throws Exception {
        serverVertx = Vertx.vertx();
        server = Await.result(BaselineServer.start(serverVertx, "127.0.0.1", 0, 8192));
        dir = tmp.resolve("report");
        LoadTestOptions o = new LoadTestOptions()
                .targets(List.of("http://127.0.0.1:" + server.port()))
                .readRatio(0.5)
                .connections(4)
                .rate(500)
                .label("report <test> & co")
                .warmup(Duration.ofMillis(300))
                .duration(Duration.ofMillis(2500))
                .out(dir)
                .quiet(true);
        result = new LoadRun(o, line -> {}).run();
        ReportWriter.write(result, dir);
    }

    @AfterAll
    static void stopServer() {
        Await.result(server.close());
    }

    @Test
    void intervalLogReadsBackToTheReportedHistogram() throws Exception {
        for (String kind : List.of("corrected", "uncorrected")) {
            Histogram rebuilt = readLog(dir.resolve(kind + ".hlog").toFile());
            Histogram reported = kind.equals("corrected") ? result.corrected() : result.uncorrected();
            assertEquals(reported.getTotalCount(), rebuilt.getTotalCount(), kind + " count");
            assertEquals(reported.getMaxValue(), rebuilt.getMaxValue(), kind + " max");
            assertEquals(reported.getValueAtPercentile(99), rebuilt.getValueAtPercentile(99), kind + " p99");
        }
    }

    private static Histogram readLog(File file) throws Exception {
        Histogram sum = new Histogram(3);
        int intervals = 0;
        try (HistogramLogReader reader = new HistogramLogReader(file)) {
            EncodableHistogram h;
            while ((h = reader.nextIntervalHistogram()) != null) {
                sum.add((Histogram) h);
                intervals++;
            }
        }
        assertTrue(intervals >= 3, "one interval per second (2.5 s measured): " + intervals);
        return sum;
    }

    @Test
    void percentileTableAgreesWithTheIntervalLog() throws Exception {
        Histogram rebuilt = readLog(dir.resolve("corrected.hlog").toFile());
        List<String> lines = Files.readAllLines(dir.resolve("corrected.hgrm"));
        assertTrue(lines.get(0).trim().startsWith("Value"), "plotter header: " + lines.get(0));
        List<double[]> rows = new ArrayList<>();
        for (String line : lines) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                rows.add(new double[] {
                    Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)), Long.parseLong(m.group(3))
                });
            }
        }
        assertTrue(rows.size() > 20, "percentile rows: " + rows.size());
        for (int i = 1; i < rows.size(); i++) {
            assertTrue(rows.get(i)[0] >= rows.get(i - 1)[0], "values ascend");
            assertTrue(rows.get(i)[1] >= rows.get(i - 1)[1], "percentiles ascend");
            assertTrue(rows.get(i)[2] >= rows.get(i - 1)[2], "counts ascend");
        }
        double[] last = rows.get(rows.size() - 1);
        assertEquals(1.0, last[1], 1e-12);
        assertEquals(rebuilt.getTotalCount(), (long) last[2]);
        for (double[] row : rows) {
            long expected = rebuilt.highestEquivalentValue(rebuilt.getValueAtPercentile(row[1] * 100));
            assertEquals(
                    Double.parseDouble(String.format(Locale.US, "%.3f", expected / 1e6)),
                    row[0],
                    0.0011,
                    "value at percentile " + row[1]);
        }
        Matcher footer = FOOTER_MAX.matcher(String.join("\n", lines));
        assertTrue(footer.find(), "footer with max and count");
        assertEquals(rebuilt.getTotalCount(), Long.parseLong(footer.group(2)));
        assertEquals(
                rebuilt.highestEquivalentValue(rebuilt.getMaxValue()) / 1e6,
                Double.parseDouble(footer.group(1)),
                0.0011);
    }

    @Test
    void summaryJsonParsesWithRatesCountsPercentilesAndMachine() throws Exception {
        JsonObject s = new JsonObject(Files.readString(dir.resolve("summary.json")));
        assertEquals("open", s.getString("model"));
        assertEquals(500.0, s.getDouble("targetRate"));
        assertEquals(result.achievedRate(), s.getDouble("achievedRate"), 0.051);
        assertEquals(result.windowCount(), s.getLong("requests"));
        JsonObject counts = s.getJsonObject("countsByStatus");
        assertTrue(counts.getLong("200") > 0 && counts.getLong("204") > 0, "GETs and PUTs: " + counts);
        for (String kind : List.of("corrected", "uncorrected")) {
            JsonObject l = s.getJsonObject("latencyMillis").getJsonObject(kind);
            double previous = 0;
            for (String k : List.of("p50", "p90", "p99", "p99.9", "p99.99", "max")) {
                assertNotNull(l.getDouble(k), kind + " " + k);
                assertTrue(l.getDouble(k) >= previous, kind + " percentiles ascend at " + k);
                previous = l.getDouble(k);
            }
        }
        JsonObject machine = s.getJsonObject("machine");
        assertEquals(Runtime.getRuntime().availableProcessors(), machine.getInteger("cores"));
        assertFalse(machine.getString("cpuModel").isEmpty());
        JsonObject jvm = machine.getJsonObject("loadToolJvm");
        assertEquals(System.getProperty("java.vm.vendor"), jvm.getString("vendor"));
        assertEquals(Runtime.getRuntime().maxMemory(), jvm.getLong("maxHeapBytes"));
        assertTrue(jvm.getLong("maxDirectBytes") > 0, jvm.encode());
        assertFalse(jvm.getString("gc").isEmpty(), jvm.encode());
        assertTrue(machine.containsKey("gatewayJvm") && machine.getValue("gatewayJvm") == null, "a gateway elsewhere");
        assertEquals(500.0, s.getJsonObject("config").getDouble("rate"));
        assertFalse(s.getJsonObject("config").containsKey("token"), "the token is never written");
    }

    @Test
    void htmlIsSelfContainedWithItsCharts() throws Exception {
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertEquals(3, html.split("<svg", -1).length - 1, "percentile, throughput and p99 charts");
        assertTrue(html.contains("<polyline"), "charts have data");
        assertTrue(html.contains("99.99%"), "log-scale percentile axis labels");
        assertFalse(html.toLowerCase(Locale.ROOT).contains("http://"), "no absolute http URL at all");
        assertFalse(html.toLowerCase(Locale.ROOT).contains("https://"), "no absolute https URL at all");
        assertFalse(html.contains("<script"), "no script");
        assertFalse(html.contains("<link"), "no external stylesheet");
        assertFalse(html.contains("url("), "no CSS fetch");
        assertTrue(html.contains("report &lt;test&gt; &amp; co"), "labels are escaped");
        assertTrue(html.contains(String.valueOf(Runtime.getRuntime().availableProcessors())), "machine facts");
        assertTrue(html.contains("<th class=\"l\">load tool</th><th class=\"l\">gateway</th>"), "JVMs side by side");
        assertTrue(html.contains("not known (a gateway in another process"), "the baseline server is not in this JVM");
    }

    /** The last percentile label is drawn inside the chart: centred on its tick, half its width left of the edge. */
    @Test
    void theLastPercentileLabelFitsInTheChart() throws Exception {
        String html = Files.readString(dir.resolve("report.html"));
        Matcher width = Pattern.compile("<svg width=\"(\\d+)\"").matcher(html);
        assertTrue(width.find());
        Matcher label = Pattern.compile("<text x=\"([0-9.]+)\"[^>]*text-anchor=\"middle\">99\\.9999%</text>")
                .matcher(html);
        assertTrue(label.find(), "the 99.9999% tick is labelled");
        // 11 px sans-serif: under 7 px a character, so 8 characters need less than 28 px on each side
        assertTrue(
                Double.parseDouble(label.group(1)) + 28 <= Integer.parseInt(width.group(1)),
                "label at x=" + label.group(1) + " in a chart " + width.group(1) + " wide");
    }
}
