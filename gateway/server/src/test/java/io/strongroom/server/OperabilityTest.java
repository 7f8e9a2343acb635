package io.strongroom.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.ChildJvm;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway process as an operator meets it ({@link Main} in a child JVM): {@code --version}, the two log formats
 * of a real start and stop, a port in use and a data directory on a read-only file system each ending start-up with
 * one line that says which address or which reason.
 */
class OperabilityTest {
    /**
     * As the gateway jar's manifest does ({@code Enable-Native-Access}): without it JDK 22+ prints its own warning
     * lines (not log records) when Netty loads its native transport.
     */
    private static final List<String> JVM_OPTIONS =
            List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "--enable-native-access=ALL-UNNAMED");

    private static final Pattern LISTENING = Pattern.compile("listening on (http://[0-9.:]+)");
    private static final Pattern HUMAN_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (ERROR|WARN |INFO |DEBUG|TRACE) [A-Za-z0-9_$]+: .*");

    @TempDir
    Path tmp;

    private ChildJvm gateway(String name, String... args) {
        List<String> all =
                new ArrayList<>(List.of("--data-dir", tmp.resolve(name).toString(), "--event-loops", "1"));
        all.addAll(List.of(args));
        return ChildJvm.start(name, tmp, JVM_OPTIONS, Main.class, all);
    }

    @Test
    void versionPrintsTheBuildAndStartsNothing() throws Exception {
        try (ChildJvm run = gateway("version", "--version", "--port", "0")) {
            assertEquals(0, run.awaitExit());
            assertTrue(
                    run.output()
                            .matches(
                                    "strongroom \\d+\\.\\d+\\.\\d+(-SNAPSHOT)? \\(commit ([0-9a-f]{7,40}(-dirty)?|unknown),"
                                            + " Java .+\\)\n"),
                    run.output());
            assertEquals("", run.log());
            assertFalse(Files.exists(tmp.resolve("version")), "no data directory was created");
        }
    }

    @Test
    void theDefaultLogIsOneHumanLinePerRecord() throws Exception {
        String log = startAndStop("human");
        List<String> lines =
                log.lines().filter(l -> !l.startsWith("strongroom: stopped")).toList();
        assertTrue(lines.size() > 5, log);
        for (String line : lines) {
            assertTrue(HUMAN_LINE.matcher(line).matches(), "not a log line: " + line + "\n" + log);
        }
        assertFalse(log.contains("lambda$"), log);
        assertTrue(log.contains(" INFO  Main: strongroom "), "the version is the first line: " + log);
        assertTrue(log.contains(" WARN  EmbeddedVault: embedded vault: the master key is "), log);
    }

    @Test
    void jsonLogIsOneObjectPerLine() throws Exception {
        String log = startAndStop("json");
        List<JsonObject> records = new ArrayList<>();
        for (String line : log.lines().toList()) {
            if (!line.startsWith("strongroom: stopped")) {
                records.add(new JsonObject(line));
            }
        }
        for (JsonObject r : records) {
            assertTrue(r.fieldNames().containsAll(List.of("ts", "level", "logger", "thread", "msg")), r.encode());
        }
        assertTrue(
                records.stream()
                        .anyMatch(r -> r.getString("level").equals("WARN")
                                && r.getString("logger").equals("io.strongroom.server.EmbeddedVault")),
                log);
        assertTrue(
                records.stream()
                        .anyMatch(r -> r.getString("msg").startsWith("Strongroom gateway on http://127.0.0.1:")
                                && r.getString("thread").startsWith("vert.x-eventloop-thread-")),
                log);
    }

    private String startAndStop(String format) throws Exception {
        try (ChildJvm run = gateway("log-" + format, "--port", "0", "--log-format", format)) {
            run.awaitOutput(LISTENING);
            run.stop();
            assertTrue(run.log().contains("strongroom: stopped"), run.log());
            return run.log();
        }
    }

    @Test
    void aPortInUseFailsAtOnceNamingTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ChildJvm run = gateway("port", "--port", String.valueOf(taken.getLocalPort()))) {
            assertEquals(1, run.awaitExit());
            String last = run.log().strip().lines().reduce((a, b) -> b).orElse("");
            assertEquals(
                    "strongroom: start-up failed: cannot listen for HTTP on 127.0.0.1:" + taken.getLocalPort()
                            + " (listen.port, --port): Address already in use",
                    last);
            assertFalse(run.log().contains("local-vault"), "nothing was started before the check: " + run.log());
        }
    }

    @Test
    void withJsonLogsAFailedStartIsAnErrorRecord() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ChildJvm run =
                        gateway("port-json", "--port", String.valueOf(taken.getLocalPort()), "--log-format", "json")) {
            assertEquals(1, run.awaitExit());
            String last = run.log().strip().lines().reduce((a, b) -> b).orElse("");
            JsonObject record = new JsonObject(last);
            assertEquals("ERROR", record.getString("level"), last);
            assertEquals(
                    "start-up failed: cannot listen for HTTP on 127.0.0.1:" + taken.getLocalPort()
                            + " (listen.port, --port): Address already in use",
                    record.getString("msg"));
        }
    }

    @Test
    void aReadOnlyDataDirectorySaysWhy() throws Exception {
        Path ro = Files.createDirectory(tmp.resolve("ro"));
        run("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", ro.toString());
        try (ChildJvm run = ChildJvm.start(
                "ro",
                tmp,
                JVM_OPTIONS,
                Main.class,
                List.of("--data-dir", ro.resolve("data").toString(), "--port", "0"))) {
            assertEquals(1, run.awaitExit());
            String last = run.log().strip().lines().reduce((a, b) -> b).orElse("");
            assertEquals(
                    "strongroom: start-up failed: cannot create the data directory " + ro.resolve("data") + ": "
                            + ro.resolve("data") + ": Read-only file system",
                    last);
        } finally {
            run("umount", ro.toString());
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + " (needs root, as CI has): " + output);
    }
}
