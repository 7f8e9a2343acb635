package io.strongroom.loadtest.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.loadtest.cli.LoadTestOptions;
import io.strongroom.loadtest.load.LoadRun;
import io.strongroom.loadtest.load.RunResult;
import io.strongroom.loadtest.report.ReportWriter;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-command demonstration, end to end: real gateway, real local-vault, real files, real HTTP; and the same
 * gateway's NBD frontend driven by the NBD engine.
 */
class EmbeddedGatewayTest {

    @Test
    void mixedLoadAgainstTheInProcessGatewayHasNoErrors(@TempDir Path out) throws Exception {
        Path dataDir;
        RunResult r;
        try (EmbeddedGateway gateway = EmbeddedGateway.start("none", 1)) {
            dataDir = gateway.dataDir();
            assertTrue(gateway.baseUrl().startsWith("http://127.0.0.1:"), gateway.baseUrl());
            LoadTestOptions o = new LoadTestOptions()
                    .targets(List.of(gateway.baseUrl()))
                    .token(gateway.adminToken())
                    .createVolumes(true)
                    .volumes(List.of("lt-a", "lt-b"))
                    .workingSetBlocks(256)
                    .blocksPerRequest(2)
                    .readRatio(0.5)
                    .connections(4)
                    .warmup(Duration.ofMillis(300))
                    .duration(Duration.ofMillis(1500))
                    .out(out)
                    .quiet(true);
            RunResult run = new LoadRun(o, line -> {}).run();
            r = run.withMachine(run.machine().withGateway(gateway.jvmFacts()));
            ReportWriter.write(r, out);
        }
        JsonObject gatewayJvm = new JsonObject(Files.readString(out.resolve("summary.json")))
                .getJsonObject("machine")
                .getJsonObject("gatewayJvm");
        assertTrue(gatewayJvm.getString("aes").startsWith("AES-GCM intrinsics "), gatewayJvm.encode());
        assertTrue(gatewayJvm.getString("process").startsWith("gateway, embedded"), gatewayJvm.encode());
        assertEquals(Runtime.getRuntime().maxMemory(), gatewayJvm.getLong("maxHeapBytes"));
        assertTrue(List.of("epoll", "nio").contains(gatewayJvm.getString("transport")), gatewayJvm.encode());
        assertTrue(Files.readString(out.resolve("report.html")).contains("AES-GCM intrinsics "), "in the HTML too");
        Map<String, Long> counts = r.countsByStatus();
        assertEquals(0, r.errors(), "statuses: " + counts);
        // how many fit in the window depends on the machine's load; that some did, and all succeeded, does not
        assertTrue(r.windowCount() > 0, "requests: " + r.windowCount());
        assertTrue(
                counts.keySet().stream().allMatch(k -> k.startsWith("2") || counts.get(k) == 0),
                "every GET and PUT succeeded: " + counts);
        long twoHundreds = counts.entrySet().stream()
                .filter(e -> e.getKey().startsWith("2"))
                .mapToLong(Map.Entry::getValue)
                .sum();
        // counters restart at the end of warm-up a moment after the histograms do: a few answers in flight may differ
        assertTrue(
                Math.abs(r.windowCount() + r.drainCount() - twoHundreds) <= 4,
                "counts agree with the histograms: " + counts);
        assertTrue(r.bytesIn() > 0 && r.bytesOut() > 0, "both reads and writes moved 8 KiB blocks");
        assertFalse(Files.exists(dataDir), "the temporary data directory is removed on close");
    }

    @Test
    void overNbdTheInProcessGatewayReadsBackWhatTheLoadWrote(@TempDir Path out) throws Exception {
        try (EmbeddedGateway gateway = EmbeddedGateway.start("fsync", 1, true)) {
            LoadTestOptions volumes =
                    new LoadTestOptions().volumes(List.of("nbd-a")).workingSetBlocks(128);
            gateway.createVolumes(volumes);
            String uri = gateway.nbdUri("nbd-a");
            assertTrue(uri.startsWith("nbd://127.0.0.1:"), uri);

            // writes with FUA and a FLUSH after every 8, sequential, so the first blocks are all written
            RunResult written = new LoadRun(
                            nbd(uri, out.resolve("write"))
                                    .readRatio(0)
                                    .sequential(true)
                                    .fua(true)
                                    .flushEvery(8),
                            line -> {})
                    .run();
            assertEquals(0, written.errors(), "statuses: " + written.countsByStatus());
            assertTrue(written.countsByStatus().get("ok") > 0);
            assertEquals(0, written.unfinished());

            RunResult read =
                    new LoadRun(nbd(uri, out.resolve("read")).readRatio(1).verify(true), line -> {}).run();
            assertEquals(0, read.errors(), "every read is what was written, or zeros: " + read.countsByStatus());
            assertEquals(
                    read.windowCount() + read.drainCount(),
                    read.countsByStatus().get("ok"));
            assertTrue(read.bytesIn() > 0);

            RunResult wrong = new LoadRun(
                            nbd(uri, out.resolve("wrong"))
                                    .readRatio(1)
                                    .verify(true)
                                    .payloadSeed(8L),
                            line -> {})
                    .run();
            assertTrue(
                    wrong.countsByStatus().getOrDefault("verify-mismatch", 0L) > 0,
                    "another seed's payloads are not there: " + wrong.countsByStatus());
        }
    }

    private static LoadTestOptions nbd(String uri, Path out) {
        return new LoadTestOptions()
                .targets(List.of(uri))
                .workingSetBlocks(128)
                .connections(2)
                .streamsPerConnection(8)
                .payloadSeed(7L)
                .warmup(Duration.ZERO)
                .duration(Duration.ofSeconds(1))
                .requestTimeout(Duration.ofSeconds(30))
                .out(out)
                .quiet(true);
    }
}
