package io.strongroom.loadtest.report;

import io.strongroom.loadtest.load.RunResult;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Writes the run's reports into the output folder: corrected.hgrm and uncorrected.hgrm (HdrHistogram
 * percentile distribution in milliseconds, the format HdrHistogram's plotter reads), summary.json and
 * report.html. The .hlog interval logs are written during the run by the sampler.
 */
public final class ReportWriter {

    /** Recorded in nanoseconds, printed in milliseconds. */
    public static final double NANOS_PER_MILLI = 1_000_000.0;
    /** Rows per halving of the distance to 100%, as wrk2 and the plotter's examples use. */
    public static final int TICKS_PER_HALF_DISTANCE = 5;

    private ReportWriter() {}

    public static void write(RunResult r, Path dir) throws IOException {
        Files.createDirectories(dir);
        hgrm(r.corrected(), dir.resolve("corrected.hgrm"));
        hgrm(r.uncorrected(), dir.resolve("uncorrected.hgrm"));
        Files.writeString(
                dir.resolve("summary.json"), SummaryJson.of(r).encodePrettily() + "\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), HtmlReport.render(r), StandardCharsets.UTF_8);
    }

    /** HdrHistogram formats this table with Locale.US itself, so it reads the same everywhere. */
    static void hgrm(Histogram h, Path file) throws IOException {
        try (OutputStream os = Files.newOutputStream(file);
                PrintStream out = new PrintStream(os, false, StandardCharsets.US_ASCII)) {
            h.outputPercentileDistribution(out, TICKS_PER_HALF_DISTANCE, NANOS_PER_MILLI);
        }
    }

    /** A one-line human summary for the console, then one line per warning. */
    public static String consoleSummary(RunResult r) {
        StringBuilder warnings = new StringBuilder();
        for (String w : r.warnings()) {
            warnings.append(System.lineSeparator()).append("WARNING: ").append(w);
        }
        return String.format(
                        Locale.US,
                        "%s: %.1f req/s achieved%s, %d requests, %d errors; corrected ms p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f "
                                + "p99.99 %.3f max %.3f; uncorrected p99 %.3f",
                        r.options().model().name().toLowerCase(Locale.ROOT),
                        r.achievedRate(),
                        r.options().rate() > 0 ? String.format(Locale.US, " (target %.1f)", r.targetRate()) : "",
                        r.windowCount(),
                        r.errors(),
                        ms(r.corrected(), 50),
                        ms(r.corrected(), 90),
                        ms(r.corrected(), 99),
                        ms(r.corrected(), 99.9),
                        ms(r.corrected(), 99.99),
                        r.corrected().getMaxValue() / NANOS_PER_MILLI,
                        ms(r.uncorrected(), 99))
                + warnings;
    }

    private static double ms(Histogram h, double p) {
        return h.getValueAtPercentile(p) / NANOS_PER_MILLI;
    }
}
