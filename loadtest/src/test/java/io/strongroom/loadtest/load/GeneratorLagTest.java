package io.strongroom.loadtest.load;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.strongroom.loadtest.cli.LoadTestOptions;
import io.strongroom.loadtest.measure.LatencyRecorders;
import io.strongroom.loadtest.report.MachineFacts;
import io.strongroom.loadtest.report.SummaryJson;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A slow server and a slow generator both raise the corrected latency; only the second is the
 * generator's lag. The open driver runs for real (loop timers, event loop, lanes, recorders); the HTTP
 * exchange is replaced by a sender that either answers after a delay (a slow server holding every
 * lane) or burns the client event loop (a generator without CPU to spare), because a real client
 * cannot be made CPU-starved on demand inside a test.
 */
class GeneratorLagTest {

    private Vertx vertx;
    private Context context;
    private final LatencyRecorders recorders = new LatencyRecorders();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
    }

    @AfterEach
    void stop() {
        Await.result(vertx.close());
    }

    @Test
    void slowServerIsChargedToLatencyNotToTheGenerator() throws Exception {
        AtomicLong done = new AtomicLong();
        RequestSender slowServer = (intended, rnd, phase) -> {
            long sent = System.nanoTime();
            Promise<Void> p = Promise.promise();
            vertx.setTimer(50, id -> {
                phase.response(200, intended, sent, System.nanoTime());
                if (phase == recorders.windowPhase()) {
                    done.incrementAndGet();
                }
                p.complete();
            });
            return p.future();
        };
        // 400 req/s for 0.5 s on 8 lanes that each take 50 ms: capacity 160 req/s, the queue grows
        run(slowServer, 400, 8, 300, 500, () -> done.get() >= 200);
        Histogram corrected = recorders.corrected().getIntervalHistogram();
        Histogram lag = recorders.generatorLag().getIntervalHistogram();
        assertTrue(
                corrected.getMaxValue() > TimeUnit.MILLISECONDS.toNanos(300),
                "waiting for a lane is charged: corrected max " + corrected.getMaxValue() / 1e6 + " ms");
        // a GC or JIT pause of the test JVM is real generator lag, so the bound is relative to the server's share
        assertTrue(
                lag.getValueAtPercentile(99) < corrected.getValueAtPercentile(99) / 5,
                "the wait is the server's, not the generator's: lag p99 " + lag.getValueAtPercentile(99) / 1e6
                        + " ms, corrected p99 " + corrected.getValueAtPercentile(99) / 1e6 + " ms");
        assertTrue(
                lag.getValueAtPercentile(50) < corrected.getValueAtPercentile(50) / 5,
                "the generator kept its schedule: lag p50 " + lag.getValueAtPercentile(50) / 1e6 + " ms, corrected p50 "
                        + corrected.getValueAtPercentile(50) / 1e6 + " ms");
    }

    @Test
    void starvedGeneratorIsReportedAsBehind() throws Exception {
        AtomicLong done = new AtomicLong();
        RequestSender busyGenerator = (intended, rnd, phase) -> {
            long sent = System.nanoTime();
            while (System.nanoTime() - sent < TimeUnit.MILLISECONDS.toNanos(2)) {
                Thread.onSpinWait(); // 2 ms of client CPU per request: at most 500 req/s
            }
            phase.response(200, intended, sent, System.nanoTime());
            done.incrementAndGet();
            return Future.succeededFuture();
        };
        run(busyGenerator, 1000, 16, 0, 500, () -> done.get() >= 500);
        Histogram lag = recorders.generatorLag().getIntervalHistogram();
        assertTrue(
                lag.getValueAtPercentile(99) > TimeUnit.MILLISECONDS.toNanos(100),
                "the generator fell behind: lag p99 " + lag.getValueAtPercentile(99) / 1e6 + " ms");

        RunResult r = new RunResult(
                new LoadTestOptions().rate(1000),
                0,
                0.5,
                lag.getTotalCount(),
                0,
                0,
                Map.of(),
                0,
                0,
                0,
                recorders.corrected().getIntervalHistogram(),
                recorders.uncorrected().getIntervalHistogram(),
                lag,
                null,
                List.of(),
                MachineFacts.collect(false));
        assertTrue(r.generatorBehind());
        assertTrue(
                r.warnings().get(0).startsWith("generator behind its schedule"),
                r.warnings().toString());
        JsonObject summary = SummaryJson.of(r);
        assertTrue(summary.getBoolean("generatorBehind"));
        assertTrue(summary.getJsonObject("generatorLagMillis").getDouble("p99") > 100, summary.encodePrettily());
        assertFalse(summary.getJsonArray("warnings").isEmpty());
    }

    /** A warm-up first where the case needs it: the lag of a cold first request is real but not the point. */
    private void run(
            RequestSender sender,
            double rate,
            int lanes,
            long warmupMillis,
            long windowMillis,
            BooleanSupplier finished) {
        OpenModelDriver driver = new OpenModelDriver(sender, recorders, List.of(context), rate, lanes, 1);
        long start = System.nanoTime();
        long measureStart = start + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
        driver.start(start, measureStart, measureStart + TimeUnit.MILLISECONDS.toNanos(windowMillis));
        try {
            await("every request of the window issued")
                    .atMost(Await.DEFAULT_TIMEOUT)
                    .pollInterval(Duration.ofMillis(10))
                    .until(finished::getAsBoolean);
        } finally {
            driver.stop();
        }
    }
}
