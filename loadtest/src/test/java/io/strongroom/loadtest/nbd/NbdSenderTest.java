package io.strongroom.loadtest.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.strongroom.core.testkit.Await;
import io.strongroom.loadtest.cli.LoadTestOptions;
import io.strongroom.loadtest.load.LoadRun;
import io.strongroom.loadtest.load.RunResult;
import io.strongroom.loadtest.load.Workload;
import io.strongroom.loadtest.report.ReportWriter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NBD engine against a real NBD server, nbdkit (memory plugin; the log and exportname filters where a test
 * needs to see or restrict what the server got): what it writes reads back (through the engine with --verify and
 * through nbdcopy, an independent client), latencies land in the histograms and reports, errors are counted by name,
 * FLUSH and FUA reach the server, and a handshake problem fails the run with a message naming it.
 */
class NbdSenderTest {

    private static final int BLOCK = 8192;
    private static final int EXPORT_BLOCKS = 64;

    private static LoadTestOptions options(String uri, Path out) {
        return new LoadTestOptions()
                .targets(List.of(uri))
                .workingSetBlocks(EXPORT_BLOCKS)
                .connections(2)
                .streamsPerConnection(8)
                .warmup(Duration.ZERO)
                .duration(Duration.ofSeconds(1))
                .requestTimeout(Duration.ofSeconds(30))
                .out(out)
                .quiet(true);
    }

    private static long count(RunResult r, String outcome) {
        return r.countsByStatus().getOrDefault(outcome, 0L);
    }

    @Test
    void whatItWritesReadsBackThroughItsOwnReadsAndThroughNbdcopy(@TempDir Path dir) throws Exception {
        try (NbdKit kit = NbdKit.onSocket(dir, "memory", Integer.toString(EXPORT_BLOCKS * BLOCK))) {
            String uri = kit.uri("");
            LoadTestOptions write = options(uri, dir.resolve("write"))
                    .readRatio(0)
                    .sequential(true)
                    .payloadSeed(42L);
            RunResult written = new LoadRun(write, line -> {}).run();
            long writes = written.windowCount() + written.drainCount();
            assertEquals(0, written.errors(), "statuses: " + written.countsByStatus());
            assertEquals(0, written.unfinished());
            assertEquals(writes, count(written, NbdSender.OK));
            assertEquals(writes * BLOCK, written.bytesOut());

            // an independent client reads the export: every block is the workload's payload for it, or never written
            Path image = dir.resolve("image");
            Process copy = new ProcessBuilder("nbdcopy", uri, image.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("nbdcopy.log").toFile())
                    .start();
            assertTrue(copy.waitFor(120, TimeUnit.SECONDS), "nbdcopy finished");
            assertEquals(0, copy.exitValue(), () -> read(dir.resolve("nbdcopy.log")));
            byte[] bytes = Files.readAllBytes(image);
            assertEquals(EXPORT_BLOCKS * BLOCK, bytes.length);
            Workload expected = new Workload(write, List.of(""));
            int nonZero = 0;
            for (int b = 0; b < EXPORT_BLOCKS; b++) {
                byte[] block = Arrays.copyOfRange(bytes, b * BLOCK, (b + 1) * BLOCK);
                if (Arrays.equals(block, new byte[BLOCK])) {
                    continue;
                }
                nonZero++;
                assertArrayEquals(expected.payload(0, b).getBytes(), block, "block " + b);
            }
            // sequential: the writes went to blocks 0, 1, 2, ... round the working set
            assertEquals(Math.min(EXPORT_BLOCKS, writes), nonZero, "blocks written");

            RunResult reads = new LoadRun(
                            options(uri, dir.resolve("read"))
                                    .readRatio(1)
                                    .verify(true)
                                    .payloadSeed(42L),
                            line -> {})
                    .run();
            long answered = reads.windowCount() + reads.drainCount();
            assertTrue(answered > 0);
            assertEquals(0, reads.errors(), "statuses: " + reads.countsByStatus());
            assertEquals(answered, count(reads, NbdSender.OK));
            assertEquals(answered * BLOCK, reads.bytesIn());

            // the check can fail: the payloads of another seed are not what is there
            RunResult wrong = new LoadRun(
                            options(uri, dir.resolve("wrong"))
                                    .readRatio(1)
                                    .verify(true)
                                    .payloadSeed(43L),
                            line -> {})
                    .run();
            long mismatches = count(wrong, NbdSender.VERIFY_MISMATCH);
            assertTrue(mismatches > 0, "statuses: " + wrong.countsByStatus());
            assertEquals(mismatches, wrong.errors());
        }
    }

    @Test
    void latenciesAreRecordedAndReportedInTheOpenModelOverTcp(@TempDir Path dir) throws Exception {
        try (NbdKit kit = NbdKit.onPort(dir, "memory", "64M")) {
            Path out = dir.resolve("report");
            LoadTestOptions o = options(kit.uri("pg"), out)
                    .workingSetBlocks(4096)
                    .readRatio(0.5)
                    .rate(400)
                    .warmup(Duration.ofMillis(500))
                    .duration(Duration.ofMillis(1500))
                    .label("nbdkit memory");
            RunResult r = new LoadRun(o, line -> {}).run();
            assertEquals(0, r.errors(), "statuses: " + r.countsByStatus());
            long ok = count(r, NbdSender.OK);
            assertTrue(ok > 0);
            assertEquals(ok, r.corrected().getTotalCount(), "every reply of the window is in the corrected histogram");
            assertEquals(ok, r.uncorrected().getTotalCount());
            assertTrue(r.corrected().getValueAtPercentile(50) > 0);
            assertTrue(
                    r.corrected().getMaxValue() >= r.uncorrected().getMaxValue(),
                    "the corrected latency counts from the intended time, before the send");
            assertNotNull(r.generatorLag(), "open model");
            assertTrue(r.bytesIn() > 0 && r.bytesOut() > 0, "reads and writes moved blocks");

            ReportWriter.write(r, out);
            JsonObject summary = new JsonObject(Files.readString(out.resolve("summary.json")));
            assertEquals(ok, summary.getJsonObject("countsByStatus").getLong("ok"));
            assertEquals("nbd", summary.getJsonObject("config").getString("protocol"));
            assertTrue(summary.getJsonObject("latencyMillis")
                            .getJsonObject("corrected")
                            .getDouble("p99")
                    > 0);
            String html = Files.readString(out.resolve("report.html"));
            assertTrue(html.contains(kit.uri("pg") + " (NBD)"), "the report names the export");
            assertTrue(Files.size(out.resolve("corrected.hgrm")) > 0);
        }
    }

    @Test
    void errorRepliesAreCountedByNameAndTheConnectionsCarryOn(@TempDir Path dir) throws Exception {
        try (NbdKit kit = NbdKit.onSocket(dir, "memory", Integer.toString(EXPORT_BLOCKS * BLOCK))) {
            // half the working set lies past the end of the export
            RunResult r = new LoadRun(
                            options(kit.uri(""), dir.resolve("out"))
                                    .workingSetBlocks(2L * EXPORT_BLOCKS)
                                    .readRatio(0.5),
                            line -> {})
                    .run();
            Map<String, Long> counts = r.countsByStatus();
            long einval = count(r, "EINVAL"); // reads past the end
            long enospc = count(r, "ENOSPC"); // writes past the end
            assertTrue(einval > 0 && enospc > 0, "statuses: " + counts);
            assertEquals(einval + enospc, r.errors(), "statuses: " + counts);
            assertTrue(count(r, NbdSender.OK) > 0, "requests inside the export still succeed: " + counts);
            assertEquals(0, counts.get("io-error"), "an error reply does not cost the connection: " + counts);
            assertEquals(0, counts.get("timeout"));
        }
    }

    @Test
    void flushAndFuaReachTheServer(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("requests.log");
        try (NbdKit kit = NbdKit.onSocket(
                dir, "--filter=log", "memory", Integer.toString(EXPORT_BLOCKS * BLOCK), "logfile=" + log)) {
            RunResult r = new LoadRun(
                            options(kit.uri(""), dir.resolve("out"))
                                    .readRatio(0)
                                    .connections(1)
                                    .fua(true)
                                    .flushEvery(4),
                            line -> {})
                    .run();
            assertEquals(0, r.errors(), "statuses: " + r.countsByStatus());
            long requests = count(r, NbdSender.OK);
            List<String> lines = Files.readAllLines(log);
            long writes = lines.stream()
                    .filter(l -> l.contains(" Write id=") && l.contains("fua=1"))
                    .count();
            long flushes = lines.stream().filter(l -> l.contains(" Flush id=")).count();
            assertEquals(requests, writes + flushes, "every request the engine counted reached the server");
            assertTrue(flushes > 0 && writes >= 4 * flushes && writes <= 4 * (flushes + 1), writes + " / " + flushes);
            assertTrue(
                    lines.stream().noneMatch(l -> l.contains(" Write id=") && !l.contains("fua=1")),
                    "FUA on every write");
            // NBD_CMD_DISC on close: nbdkit logs a disconnect once it has seen it
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> Files.readString(log).contains("Disconnect transactions="));
        }
    }

    @Test
    void anUnknownExportFailsTheRunWithTheServersAnswer(@TempDir Path dir) throws Exception {
        try (NbdKit kit = NbdKit.onSocket(
                dir, "--filter=exportname", "memory", "1M", "exportname=pg", "exportname-strict=true")) {
            Exception e = assertThrows(
                    Exception.class,
                    () -> new LoadRun(options(kit.uri("other"), dir.resolve("out")), line -> {}).run());
            assertTrue(String.valueOf(e.getMessage()).contains("export 'other': NBD_REP_ERR_"), String.valueOf(e));
        }
    }

    @Test
    void aServerThatIsNotNbdFailsTheRun(@TempDir Path dir) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            NetServer server = Await.result(vertx.createNetServer()
                    .connectHandler(
                            s -> s.write(Buffer.buffer("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")))
                    .listen(0, "127.0.0.1"));
            Exception e = assertThrows(
                    Exception.class,
                    () -> new LoadRun(
                                    options("nbd://127.0.0.1:" + server.actualPort() + "/x", dir.resolve("out")),
                                    line -> {})
                            .run());
            assertTrue(String.valueOf(e.getMessage()).contains("not an NBD server"), String.valueOf(e));
        } finally {
            Await.result(vertx.close());
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            fail(e);
            return "";
        }
    }
}
