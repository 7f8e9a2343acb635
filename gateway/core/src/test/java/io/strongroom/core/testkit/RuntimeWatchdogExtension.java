package io.strongroom.core.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;

/**
 * Fails a gateway test when Vert.x's blocked-thread checker fires or Netty reports a buffer leak (the tests
 * run with the leak detector at paranoid level). Registered for every test of the module through
 * META-INF/services and {@code junit.jupiter.extensions.autodetection.enabled}.
 *
 * <p>Both report through java.util.logging (no other logging backend is on the test class path), so a
 * handler on their two loggers collects the reports. A leak is only noticed after the leaked buffer is
 * garbage-collected, so after each test class the extension forces a collection and an allocation (which
 * makes Netty drain its leak queue) and fails the class if anything leaked.
 */
public final class RuntimeWatchdogExtension implements AfterEachCallback, AfterAllCallback {
    public static final String BLOCKED_THREAD_LOGGER = "io.vertx.core.impl.BlockedThreadChecker";
    public static final String LEAK_LOGGER = "io.netty.util.ResourceLeakDetector";

    // Strong references: java.util.logging keeps loggers only weakly, and a collected logger loses its handler.
    private static final Logger BLOCKED = Logger.getLogger(BLOCKED_THREAD_LOGGER);
    private static final Logger LEAKS = Logger.getLogger(LEAK_LOGGER);
    private static final Collector COLLECTOR = new Collector();

    static {
        BLOCKED.addHandler(COLLECTOR);
        LEAKS.addHandler(COLLECTOR);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        verifyNoProblems();
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        collectLeaks();
        verifyNoProblems();
    }

    /** Throws (and forgets them) if problems were reported since the last call. */
    public static void verifyNoProblems() {
        List<String> problems = COLLECTOR.drain();
        if (!problems.isEmpty()) {
            throw new AssertionFailedError("Vert.x blocked-thread checker or Netty leak detector reported "
                    + problems.size() + " problem(s):\n" + String.join("\n", problems));
        }
    }

    /** Problems reported so far and not yet verified (the extension's own test waits on this). */
    public static int pendingProblems() {
        return COLLECTOR.size();
    }

    /** Garbage-collects, then allocates pooled buffers so Netty's detector processes what the collection found. */
    public static void collectLeaks() throws InterruptedException {
        System.gc();
        // Time for the reference handler to queue what the collection found; a caller that needs the report
        // repeats this until it arrives.
        Thread.sleep(100);
        for (int i = 0; i < 4; i++) {
            ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(16);
            probe.release();
            probe = PooledByteBufAllocator.DEFAULT.heapBuffer(16);
            probe.release();
        }
    }

    private static final class Collector extends Handler {
        private final List<String> problems = new ArrayList<>();

        Collector() {
            setLevel(Level.WARNING);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                String message = record.getMessage();
                StringBuilder problem = new StringBuilder(record.getLoggerName())
                        .append(": ")
                        .append(
                                message == null
                                        ? ""
                                        : message.lines().findFirst().orElse(""));
                if (record.getThrown() != null) {
                    // where a blocked thread was when the checker looked (Vert.x attaches it past its warning time)
                    StackTraceElement[] stack = record.getThrown().getStackTrace();
                    for (int i = 0; i < Math.min(stack.length, 25); i++) {
                        problem.append("\n\tat ").append(stack[i]);
                    }
                }
                problems.add(problem.toString());
            }
        }

        synchronized List<String> drain() {
            List<String> out = new ArrayList<>(problems);
            problems.clear();
            return out;
        }

        synchronized int size() {
            return problems.size();
        }

        @Override
        public void flush() {
            // Nothing buffered.
        }

        @Override
        public void close() {
            // Nothing to release.
        }
    }
}
