package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.RuntimeWatchdogExtension;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * Proves the watchdog catches what it is for, without failing the suite: each test provokes the problem,
 * checks that verification would fail, and so consumes the report before the extension's own check runs.
 */
class RuntimeWatchdogExtensionTest {

    @Test
    void aBlockedEventLoopFailsVerification() throws Exception {
        Logger console = quiet(RuntimeWatchdogExtension.BLOCKED_THREAD_LOGGER);
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setBlockedThreadCheckInterval(20)
                .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
                .setMaxEventLoopExecuteTime(50)
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
        try {
            CountDownLatch unblocked = new CountDownLatch(1);
            vertx.runOnContext(v -> {
                sleepOnPurpose(400);
                unblocked.countDown();
            });
            assertTrue(unblocked.await(Await.DEFAULT_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } finally {
            // Closing stops the checker: it reports until the task has returned, so verifying earlier races it.
            Await.result(vertx.close());
            console.setUseParentHandlers(true);
        }
        AssertionFailedError failure =
                assertThrows(AssertionFailedError.class, RuntimeWatchdogExtension::verifyNoProblems);
        assertTrue(failure.getMessage().contains(RuntimeWatchdogExtension.BLOCKED_THREAD_LOGGER), failure.getMessage());
        assertTrue(failure.getMessage().contains("blocked"), failure.getMessage());
        assertEquals(0, RuntimeWatchdogExtension.pendingProblems());
    }

    @Test
    void aLeakedBufferFailsVerification() throws Exception {
        assertEquals(
                ResourceLeakDetector.Level.PARANOID,
                ResourceLeakDetector.getLevel(),
                "the build runs tests with -Dio.netty.leakDetection.level=paranoid");
        Logger console = quiet(RuntimeWatchdogExtension.LEAK_LOGGER);
        try {
            leakOneBuffer();
            await("Netty reporting the leaked buffer")
                    .atMost(Await.DEFAULT_TIMEOUT)
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        RuntimeWatchdogExtension.collectLeaks();
                        return RuntimeWatchdogExtension.pendingProblems() > 0;
                    });
            AssertionFailedError failure =
                    assertThrows(AssertionFailedError.class, RuntimeWatchdogExtension::verifyNoProblems);
            assertTrue(failure.getMessage().contains("LEAK"), failure.getMessage());
        } finally {
            console.setUseParentHandlers(true);
        }
    }

    /** Keeps the deliberate report off the console (the watchdog's own handler still sees it). */
    private static Logger quiet(String name) {
        Logger logger = Logger.getLogger(name);
        logger.setUseParentHandlers(false);
        return logger;
    }

    private static void leakOneBuffer() {
        ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        leaked.writeLong(42);
    }

    /** Blocks the event loop: exactly what production code must never do. */
    private static void sleepOnPurpose(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
