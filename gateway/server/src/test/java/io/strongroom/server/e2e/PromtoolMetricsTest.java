package io.strongroom.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.metrics.Metric;
import io.strongroom.core.metrics.MetricCatalog;
import io.strongroom.server.config.GatewayConfig;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of a real gateway after real traffic (blocks written, read and HEAD over HTTP, over NBD, an error, an
 * unmatched route, vault calls) passes Prometheus' own checker, {@code promtool check metrics} (its lint included),
 * with no complaint; every histogram is cumulative with {@code _count} equal to its {@code +Inf} bucket.
 */
@Timeout(300)
class PromtoolMetricsTest {
    private static final int BS = 8192;

    @TempDir
    Path dir;

    @Test
    void metricsAfterRealTrafficPassPromtool() throws Exception {
        Path data = dir.resolve("data");
        TestTokens.write(data);
        GatewayConfig config = GatewayFixture.config(data).setNbdPort(0);
        try (GatewayFixture gw = GatewayFixture.start(config, null, b -> {})) {
            GatewayFixture.Response created = gw.json(
                    "POST",
                    "/v1/volumes",
                    TestTokens.ADMIN,
                    new JsonObject().put("name", "m").put("sizeBytes", 64L * BS));
            assertEquals(201, created.status());
            byte[] bytes = new byte[BS];
            new Random(15).nextBytes(bytes);
            assertEquals(
                    204,
                    gw.send("PUT", "/v1/volumes/m/blocks/3", TestTokens.DATA_ALL, bytes)
                            .status());
            assertEquals(
                    200, gw.get("/v1/volumes/m/blocks/3", TestTokens.DATA_ALL).status());
            assertEquals(
                    200,
                    gw.send("HEAD", "/v1/volumes/m/blocks/3", TestTokens.DATA_ALL, null)
                            .status());
            assertEquals(
                    404,
                    gw.get("/v1/volumes/absent/blocks/0", TestTokens.DATA_ALL).status());
            assertEquals(404, gw.get("/v1/nothing-here", TestTokens.DATA_ALL).status());

            Path image = dir.resolve("image.bin");
            Files.write(image, bytes);
            String export = "nbd://127.0.0.1:" + gw.gateway.nbdPort() + "/m";
            run("nbdcopy", image.toString(), export);
            run("nbdcopy", export, dir.resolve("copy.bin").toString());

            String text = new String(gw.get("/metrics", TestTokens.ADMIN).body(), StandardCharsets.UTF_8);
            Path page = dir.resolve("metrics.txt");
            Files.writeString(page, text);
            Path out = dir.resolve("promtool.out");
            Process promtool = new ProcessBuilder("promtool", "check", "metrics")
                    .redirectInput(page.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            assertTrue(promtool.waitFor(120, TimeUnit.SECONDS), "promtool did not finish");
            String complaints = Files.readString(out);
            assertEquals(0, promtool.exitValue(), complaints);
            assertEquals("", complaints.strip(), "promtool warns");

            Map<String, Map<String, List<Double>>> histograms = histograms(text);
            String block = "route=\"/v1/volumes/{name}/blocks/{n}\"";
            for (String labels : List.of(
                    "method=\"GET\"," + block + ",status=\"200\"",
                    "method=\"HEAD\"," + block + ",status=\"200\"",
                    "method=\"PUT\"," + block + ",status=\"204\"",
                    "method=\"GET\"," + block + ",status=\"404\"",
                    "method=\"GET\",route=\"unmatched\",status=\"404\"")) {
                assertTrue(
                        histograms
                                .get(MetricCatalog.HTTP_REQUEST_DURATION.name())
                                .containsKey(labels),
                        labels);
            }
            for (String labels : List.of("command=\"write\",result=\"ok\"", "command=\"read\",result=\"ok\"")) {
                assertTrue(
                        histograms
                                .get(MetricCatalog.NBD_REQUEST_DURATION.name())
                                .containsKey(labels),
                        labels);
            }
            assertTrue(
                    histograms.get(MetricCatalog.VAULT_CALL_DURATION.name()).keySet().stream()
                            .anyMatch(labels -> labels.contains("operation=\"wrap\"")),
                    text);
            for (var family : histograms.entrySet()) {
                for (var series : family.getValue().entrySet()) {
                    List<Double> buckets = series.getValue();
                    for (int i = 1; i < buckets.size(); i++) {
                        assertTrue(buckets.get(i) >= buckets.get(i - 1), family.getKey() + series.getKey());
                    }
                    double inf = buckets.get(buckets.size() - 1);
                    assertTrue(inf >= 1, family.getKey() + series.getKey());
                    assertEquals(
                            inf, value(text, family.getKey() + "_count{" + series.getKey() + "}"), series.getKey());
                }
            }

            for (Metric m : List.of(
                    MetricCatalog.PROCESS_CPU,
                    MetricCatalog.PROCESS_OPEN_FDS,
                    MetricCatalog.PROCESS_RESIDENT_MEMORY,
                    MetricCatalog.PROCESS_START)) {
                assertTrue(value(text, m.name()) > 0, m.name());
            }
            assertTrue(value(text, "jvm_memory_used_bytes{area=\"heap\"}") > 0, text);
            assertTrue(value(text, "jvm_threads_current") > 0, text);
            assertTrue(text.contains("jvm_buffer_pool_used_bytes{pool=\"direct\"} "), text);
            assertTrue(text.contains("jvm_gc_collection_seconds_count{gc=\""), text);
            assertTrue(
                    text.contains("strongroom_build_info{version=\"0.1.0-SNAPSHOT\",revision=\"")
                            && text.contains("java_version=\"" + System.getProperty("java.version") + "\"} 1\n"),
                    text);
        }
    }

    /** Per histogram family, per series (its labels without {@code le}), the bucket values in page order. */
    private static Map<String, Map<String, List<Double>>> histograms(String text) {
        Map<String, Map<String, List<Double>>> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int bucket = line.indexOf("_bucket{");
            if (line.startsWith("#") || bucket < 0) {
                continue;
            }
            String family = line.substring(0, bucket);
            String labels = line.substring(bucket + "_bucket{".length(), line.lastIndexOf(",le=\""));
            double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            out.computeIfAbsent(family, f -> new LinkedHashMap<>())
                    .computeIfAbsent(labels, l -> new ArrayList<>())
                    .add(v);
        }
        return out;
    }

    private static double value(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        throw new AssertionError("no " + series + " in\n" + text);
    }

    /** Runs a command with its output in a file (never a pipe: a hung tool must not block on it). */
    private void run(String... command) throws Exception {
        Path out = Files.createTempFile(dir, "run", ".out");
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(List.of(command) + " did not finish");
        }
        assertEquals(0, p.exitValue(), () -> List.of(command) + ": " + read(out));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
