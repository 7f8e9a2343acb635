package io.strongroom.server.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.auth.TokenStore;
import io.strongroom.core.store.Durability;
import io.strongroom.server.Gateway;
import io.strongroom.server.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ~20k generated bad and odd requests (RequestFuzzer) against a real gateway over real sockets, with the HTTP
 * frontend's loggers at debug level: no 5xx outside the documented key/storage codes, every error answer (the HTTP
 * parser's own included) a JSON error with a code, no 2xx a token's role or the route forbids, no request left hanging or dropped (a
 * well-framed request is answered unless an earlier answer closed the connection), no stack trace (and
 * no frontend warning) in the log, and afterwards every block written before the run reads back unchanged and the
 * gateway still creates, writes and reads.
 *
 * <p>{@code -Dfuzz.seed=<n>} replays a run (the seed is in every failure message), {@code -Dfuzz.count=<n>} changes
 * its size. bench/fuzz.sh runs the same generator against a {@code ./strongroom} process at 100k and more.
 */
class GatewayFuzzTest {
    private static final int DEFAULT_COUNT = 20_000;
    private static final RequestFuzzer.Tokens TOKENS = new RequestFuzzer.Tokens(
            "fuzz-admin-token-0123456789abcdef0123456789abcdef",
            "fuzz-data-all-token-0123456789abcdef0123456789abcd",
            "fuzz-data-a-token-0123456789abcdef0123456789abcdef",
            "fuzz-volume-admin-token-0123456789abcdef012345678",
            "fuzz-key-admin-token-0123456789abcdef0123456789ab");
    /** Kept here: java.util.logging holds loggers weakly, and a collected logger would lose its level. */
    private static final List<Logger> DEBUG_LOGGERS =
            List.of(Logger.getLogger("io.netty"), Logger.getLogger("io.vertx"), Logger.getLogger("io.strongroom"));

    @TempDir
    Path dir;

    final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    /** The gateway's debug lines for connections that failed outside a request: where an unanswered one went. */
    final List<String> connectionFailures = new CopyOnWriteArrayList<>();

    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue() || record.getThrown() != null) {
                logged.add(record);
            } else if ("io.strongroom.http.HttpServerVerticle".equals(record.getLoggerName())) {
                connectionFailures.add(record.getMessage());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @Test
    void generatedBadRequestsGetCleanAnswersAndLoseNothing() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int count = Integer.getInteger("fuzz.count", DEFAULT_COUNT);
        System.out.println(
                "GatewayFuzzTest: seed " + seed + " (-Dfuzz.seed=" + seed + " replays), " + count + " cases");
        writeTokens(dir);
        GatewayConfig config =
                new GatewayConfig().setDataDir(dir).setPort(0).setEventLoops(2).setDurability(Durability.NONE);
        Vertx vertx = Vertx.vertx(Gateway.vertxOptions(config));
        Logger root = Logger.getLogger("");
        try {
            Gateway gateway = Gateway.start(vertx, config).await(60, TimeUnit.SECONDS);
            try {
                FuzzRun run = new FuzzRun("127.0.0.1", gateway.httpPort(), seed, TOKENS);
                run.setUp();
                capture.setLevel(Level.ALL);
                root.addHandler(capture);
                for (Logger logger : DEBUG_LOGGERS) {
                    logger.setLevel(Level.FINE);
                }
                run.run(count, 4);
                String summary = run.summary();
                System.out.println("GatewayFuzzTest: " + summary);

                List<String> problems = run.verify();
                assertTrue(problems.isEmpty(), () -> "seed " + seed + ": after the run: " + problems);
                assertEquals(0, run.violationCount(), () -> "seed " + seed + ": " + run.violations() + "\n" + summary);
                assertEquals(
                        0,
                        run.unanswered.sum(),
                        () -> "seed " + seed + ": framed requests dropped: " + summary + "\nconnection failures: "
                                + connectionFailures.stream()
                                        .distinct()
                                        .limit(30)
                                        .toList());
                assertTrue(run.requests.sum() > count / 2, summary);
                List<String> traces = logged.stream()
                        .filter(r -> r.getThrown() != null)
                        .map(r ->
                                r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage() + " / " + r.getThrown())
                        .toList();
                assertTrue(traces.isEmpty(), () -> "seed " + seed + ": stack traces for client mistakes: " + traces);
                List<String> warnings = logged.stream()
                        .filter(r -> r.getLoggerName() != null
                                && (r.getLoggerName().startsWith("io.strongroom.http")
                                        || r.getLoggerName().startsWith("io.vertx")
                                        || r.getLoggerName().startsWith("io.netty")))
                        .map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage())
                        .toList();
                assertTrue(
                        warnings.isEmpty(), () -> "seed " + seed + ": client mistakes logged as warnings: " + warnings);
            } finally {
                root.removeHandler(capture);
                for (Logger logger : DEBUG_LOGGERS) {
                    logger.setLevel(null);
                }
                gateway.close().await(60, TimeUnit.SECONDS);
            }
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    private static void writeTokens(Path dataDir) throws Exception {
        JsonArray tokens = new JsonArray()
                .add(token(
                        "admin",
                        TOKENS.admin(),
                        new JsonArray().add("data").add("volume-admin").add("key-admin"),
                        "*"))
                .add(token("data-all", TOKENS.dataAll(), new JsonArray().add("data"), "*"))
                .add(token("data-a", TOKENS.dataA(), new JsonArray().add("data"), "a"))
                .add(token("volume-admin", TOKENS.volumeAdmin(), new JsonArray().add("volume-admin"), "*"))
                .add(token("key-admin", TOKENS.keyAdmin(), new JsonArray().add("key-admin"), "*"));
        Files.writeString(
                dataDir.resolve("tokens.json"),
                new JsonObject().put("version", 1).put("tokens", tokens).encodePrettily());
    }

    private static JsonObject token(String name, String token, JsonArray roles, String volume) {
        return new JsonObject()
                .put("name", name)
                .put("sha256", TokenStore.hashHex(token))
                .put("roles", roles)
                .put("volumes", new JsonArray().add(volume));
    }
}
