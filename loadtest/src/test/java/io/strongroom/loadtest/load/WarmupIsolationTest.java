package io.strongroom.loadtest.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.strongroom.loadtest.cli.LoadTestOptions;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that is slow only while the generator warms up: every block request arriving from 0.5 s
 * after the first one is held until the measured window opens, so a second of the schedule piles up
 * behind the stall. The window must start clean: no catch-up burst (the achieved rate is the target,
 * not more) and none of the warm-up's waiting in the window's corrected latency. Before the window
 * got its own timetable, the held-back second was replayed inside the window.
 *
 * <p>The server learns that the window opened from the run's progress line: the sampler prints the
 * last warm-up line at the instant the window starts (warm-up 1.5 s: one line at 1 s, one at 1.5 s).
 */
class WarmupIsolationTest {

    private static final long STALL_FROM_MILLIS = 500;

    private Vertx vertx;
    private HttpServer server;
    private Context serverContext;
    private final AtomicLong firstBlockRequest = new AtomicLong();
    private final AtomicLong stalled = new AtomicLong();
    private final AtomicInteger warmupLines = new AtomicInteger();
    private final Queue<HttpServerResponse> held = new ArrayDeque<>();
    private boolean windowOpen; // server event loop only

    @BeforeEach
    void startServerSlowDuringWarmup() {
        vertx = Vertx.vertx();
        server = Await.result(vertx.createHttpServer()
                .requestHandler(req -> {
                    serverContext = Vertx.currentContext();
                    if (!req.path().startsWith("/v1/")) {
                        req.response().end("ok"); // the connection primer's health checks come before the clock starts
                        return;
                    }
                    long now = System.currentTimeMillis();
                    firstBlockRequest.compareAndSet(0, now);
                    if (!windowOpen && now >= firstBlockRequest.get() + STALL_FROM_MILLIS) {
                        stalled.incrementAndGet();
                        held.add(req.response());
                    } else {
                        req.response().end("ok");
                    }
                })
                .listen(0, "127.0.0.1"));
    }

    /** Called from the progress line at the window's start: answer the held requests, stop stalling. */
    private void openWindow() {
        serverContext.runOnContext(v -> {
            windowOpen = true;
            for (HttpServerResponse r; (r = held.poll()) != null; ) {
                r.end("stalled");
            }
        });
    }

    @AfterEach
    void stop() {
        Await.result(vertx.close());
    }

    @Test
    void warmupBacklogDoesNotLeakIntoTheWindow(@TempDir Path out) throws Exception {
        double rate = 1000;
        LoadTestOptions o = new LoadTestOptions()
                .targets(List.of("http://127.0.0.1:" + server.actualPort()))
                .connections(4)
                .rate(rate)
                .warmup(Duration.ofMillis(1500))
                .duration(Duration.ofSeconds(2))
                .out(out)
                .quiet(false);
        RunResult r = new LoadRun(o, line -> {
                    if (line.contains("warm-up") && warmupLines.incrementAndGet() == 2) {
                        openWindow();
                    }
                })
                .run();

        assertEquals(2, warmupLines.get(), "two warm-up progress lines");
        assertEquals(0, r.errors(), "errors: " + r.countsByStatus());
        assertTrue(stalled.get() >= 1, "the warm-up met the stall");
        // leaked, the held second would put p99 near 1 s; the bound leaves room for a busy 2-core machine
        double correctedP99 = r.corrected().getValueAtPercentile(99) / 1e6;
        double correctedMax = r.corrected().getMaxValue() / 1e6;
        assertTrue(
                correctedP99 < 400 && correctedMax < 700,
                "the warm-up's stall must not reach the window: corrected p99 " + correctedP99 + " ms, max "
                        + correctedMax + " ms, per second " + r.timeline());
        assertTrue(
                Math.abs(r.achievedRate() - rate) <= rate * 0.05,
                "no catch-up burst: achieved " + r.achievedRate() + " req/s, target " + rate);
        assertEquals(
                r.windowCount() + r.drainCount(),
                r.corrected().getTotalCount(),
                "only requests of the window are in its histogram");
        assertEquals(
                r.corrected().getTotalCount(),
                r.generatorLag().getTotalCount(),
                "every request of the window has its generator lag");
    }
}
