package io.strongroom.loadtest.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.strongroom.loadtest.baseline.BaselineServer;
import io.strongroom.loadtest.cli.LoadTestOptions;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The open model keeps its target rate against a fast local server (the bare baseline). */
class RateLimiterTest {

    private static Vertx serverVertx;
    private static BaselineServer server;

    @BeforeAll
    static void startServer() {
        serverVertx = Vertx.vertx();
        server = Await.result(BaselineServer.start(serverVertx, "127.0.0.1", 0, 8192));
    }

    @AfterAll
    static void stopServer() {
        Await.result(server.close());
    }

    @Test
    void openModelHoldsTheTargetRateWithinTwoPercent(@TempDir Path out) throws Exception {
        double rate = 2000;
        LoadTestOptions o = new LoadTestOptions()
                .targets(List.of("http://127.0.0.1:" + server.port()))
                .volumes(List.of("v1", "v2"))
                .readRatio(0.7)
                .connections(16)
                .rate(rate)
                .warmup(Duration.ofSeconds(2))
                .duration(Duration.ofSeconds(3))
                .out(out)
                .quiet(true);
        RunResult r = new LoadRun(o, line -> {}).run();

        assertEquals(0, r.errors(), "errors: " + r.countsByStatus());
        assertTrue(
                Math.abs(r.achievedRate() - rate) <= rate * 0.02,
                "achieved " + r.achievedRate() + " req/s, target " + rate);
        double expected = rate * r.windowSeconds();
        assertTrue(
                Math.abs(r.windowCount() - expected) <= expected * 0.02,
                "requests in window " + r.windowCount() + ", expected about " + expected);
        assertTrue(r.countsByStatus().get("200") > 0 && r.countsByStatus().get("204") > 0, "both GET and PUT ran");
        assertEquals(r.corrected().getTotalCount(), r.uncorrected().getTotalCount());
    }

    @Test
    void closedModelKeepsEveryConnectionBusyAndReportsNoTargetRate(@TempDir Path out) throws Exception {
        LoadTestOptions o = new LoadTestOptions()
                .targets(List.of("http://127.0.0.1:" + server.port()))
                .connections(4)
                .blocksPerRequest(2)
                .workingSetBlocks(64)
                .sequential(true)
                .warmup(Duration.ZERO)
                .duration(Duration.ofSeconds(1))
                .out(out)
                .quiet(true);
        RunResult r = new LoadRun(o, line -> {}).run();

        assertEquals(LoadTestOptions.Model.CLOSED, o.model());
        assertEquals(0, r.errors(), "errors: " + r.countsByStatus());
        assertTrue(r.windowCount() > 100, "a closed loop on loopback does far more than 100 req/s: " + r.windowCount());
        assertEquals(r.bytesIn(), (r.windowCount() + r.drainCount()) * 2L * 8192, "every GET returned count x 8 KiB");
    }

    @Test
    void http2CleartextMultiplexesStreamsOverFewConnections(@TempDir Path out) throws Exception {
        LoadTestOptions o = new LoadTestOptions()
                .targets(List.of("http://127.0.0.1:" + server.port()))
                .protocol(LoadTestOptions.Protocol.HTTP2)
                .h2c(true)
                .connections(2)
                .streamsPerConnection(4)
                .readRatio(0.5)
                .warmup(Duration.ZERO)
                .duration(Duration.ofSeconds(1))
                .out(out)
                .quiet(true);
        RunResult r = new LoadRun(o, line -> {}).run();

        assertEquals(0, r.errors(), "errors: " + r.countsByStatus());
        assertTrue(r.countsByStatus().get("200") > 0 && r.countsByStatus().get("204") > 0, "GET and PUT over h2c");
        assertEquals("h2c", o.toMap().get("protocol"));
    }
}
