package io.strongroom.loadtest.vault;

import io.strongroom.loadtest.report.MachineFacts;
import io.strongroom.loadtest.report.ReportWriter;
import io.strongroom.vault.LatencySnapshot;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/** vault-storm.json (every round, per endpoint and region) and vault-unwrap.hgrm (all rounds). */
public final class VaultStormReport {

    private VaultStormReport() {}

    public static void write(List<RoundResult> rounds, int concurrency, Path dir) throws IOException {
        Files.createDirectories(dir);
        Histogram all = new Histogram(3);
        JsonArray roundsJson = new JsonArray();
        for (RoundResult r : rounds) {
            all.add(r.latency());
            JsonArray endpoints = new JsonArray();
            for (LatencySnapshot s : r.perEndpoint()) {
                endpoints.add(new JsonObject()
                        .put("endpoint", s.endpoint())
                        .put("region", s.region())
                        .put("crossRegion", s.crossRegion())
                        .put("count", s.count())
                        .put("p50Millis", s.p50Millis())
                        .put("p99Millis", s.p99Millis())
                        .put("maxMillis", s.maxMillis()));
            }
            roundsJson.add(new JsonObject()
                    .put("round", r.round())
                    .put("unwraps", r.unwraps())
                    .put("failures", r.failures())
                    .put("mismatches", r.mismatches())
                    .put("seconds", r.seconds())
                    .put("unwrapsPerSecond", r.unwrapsPerSecond())
                    .put("latencyMillis", io.strongroom.loadtest.report.SummaryJson.latency(r.latency()))
                    .put("perEndpoint", endpoints));
        }
        JsonObject json = new JsonObject()
                .put("tool", "strongroom-loadtest --vault-storm")
                .put("concurrency", concurrency)
                .put("rounds", roundsJson)
                .put("machine", new JsonObject(MachineFacts.collect(false).toMap()));
        Files.writeString(dir.resolve("vault-storm.json"), json.encodePrettily() + "\n", StandardCharsets.UTF_8);
        try (OutputStream os = Files.newOutputStream(dir.resolve("vault-unwrap.hgrm"));
                PrintStream out = new PrintStream(os, false, StandardCharsets.US_ASCII)) {
            all.outputPercentileDistribution(out, ReportWriter.TICKS_PER_HALF_DISTANCE, ReportWriter.NANOS_PER_MILLI);
        }
    }

    static String line(RoundResult r) {
        StringBuilder b = new StringBuilder(String.format(
                Locale.US,
                "round %d: %d unwraps in %.3f s = %.1f/s, failures %d, mismatches %d; ms p50 %.2f p99 %.2f max %.2f",
                r.round(),
                r.unwraps(),
                r.seconds(),
                r.unwrapsPerSecond(),
                r.failures(),
                r.mismatches(),
                r.latency().getValueAtPercentile(50) / 1e6,
                r.latency().getValueAtPercentile(99) / 1e6,
                r.latency().getMaxValue() / 1e6));
        for (LatencySnapshot s : r.perEndpoint()) {
            b.append(String.format(
                    Locale.US,
                    "%n    %s [%s%s] %d calls, p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                    s.endpoint(),
                    s.region(),
                    s.crossRegion() ? ", cross-region" : "",
                    s.count(),
                    s.p50Millis(),
                    s.p99Millis(),
                    s.maxMillis()));
        }
        return b.toString();
    }
}
