package io.strongroom.loadtest.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.strongroom.loadtest.cli.LoadTestOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that stalls on purpose: every request arriving in a 500 ms window (starting one second
 * after the first request) is answered only when the window ends. The few requests caught on the
 * connections are all a naive (uncorrected) measurement sees; the hundreds the schedule wanted to
 * send meanwhile are charged their wait by the corrected one.
 */
class CoordinatedOmissionTest {

    private static final long STALL_AFTER_MILLIS = 1000;
    private static final long STALL_MILLIS = 500;

    private Vertx vertx;
    private HttpServer server;
    private final AtomicLong firstArrival = new AtomicLong();
    private final AtomicLong stalled = new AtomicLong();

    @BeforeEach
    void startStallingServer() {
        vertx = Vertx.vertx();
        server = Await.result(vertx.createHttpServer()
                .requestHandler(req -> {
                    long now = System.currentTimeMillis();
                    firstArrival.compareAndSet(0, now);
                    long stallStart = firstArrival.get() + STALL_AFTER_MILLIS;
                    long stallEnd = stallStart + STALL_MILLIS;
                    if (now >= stallStart && now < stallEnd) {
                        stalled.incrementAndGet();
                        vertx.setTimer(stallEnd - now, id -> req.response().end("stalled"));
                    } else {
                        req.response().end("ok");
                    }
                })
                .listen(0, "127.0.0.1"));
    }

    @AfterEach
    void stop() {
        Await.result(vertx.close());
    }

    @Test
    void correctedP99ShowsTheStallAndUncorrectedHidesIt(@TempDir Path out) throws Exception {
        LoadTestOptions o = new LoadTestOptions()
                .targets(List.of("http://127.0.0.1:" + server.actualPort()))
                .connections(4)
                .rate(1000)
                .warmup(Duration.ZERO)
                .duration(Duration.ofSeconds(3))
                .out(out)
                .quiet(true);
        RunResult r = new LoadRun(o, line -> {}).run();

        assertEquals(0, r.errors(), "errors: " + r.countsByStatus());
        assertTrue(
                stalled.get() >= 1 && stalled.get() <= o.connections(),
                "only the requests already on a connection reach the stalled server: " + stalled.get());
        double correctedP99 = r.corrected().getValueAtPercentile(99) / 1e6;
        double uncorrectedP99 = r.uncorrected().getValueAtPercentile(99) / 1e6;
        double correctedMax = r.corrected().getMaxValue() / 1e6;
        assertTrue(correctedP99 > 300, "corrected p99 must show the 500 ms stall: " + correctedP99 + " ms");
        assertTrue(correctedMax > 450, "the first request caught in the stall waited ~500 ms: " + correctedMax + " ms");
        assertTrue(uncorrectedP99 < 100, "uncorrected p99 hides the stall: " + uncorrectedP99 + " ms");
        assertTrue(r.uncorrected().getMaxValue() / 1e6 > 300, "the stalled requests themselves are still seen");
    }
}
