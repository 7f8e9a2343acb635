package io.strongroom.core.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class BoundedLauncherTest {
    @Test
    void neverMoreThanTheLimitInFlight() {
        List<Promise<Void>> started = new ArrayList<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        List<Supplier<Future<?>>> tasks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            tasks.add(() -> {
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                Promise<Void> p = Promise.promise();
                started.add(p);
                return p.future().onComplete(x -> inFlight.decrementAndGet());
            });
        }
        Future<Void> all = BoundedLauncher.run(tasks, 8);
        assertEquals(8, started.size());
        int completed = 0;
        while (completed < started.size()) {
            if (completed % 2 == 0) {
                started.get(completed).complete();
            } else {
                started.get(completed).fail("failed tasks count as done");
            }
            completed++;
        }
        assertEquals(20, started.size());
        assertTrue(all.succeeded());
        assertEquals(8, maxInFlight.get());
    }

    @Test
    void synchronousTasksDoNotDeepenTheStack() {
        List<Supplier<Future<?>>> tasks = new ArrayList<>();
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 100_000; i++) {
            int n = i;
            tasks.add(() -> {
                ran.incrementAndGet();
                return n % 3 == 0 ? Future.failedFuture("sync failure") : Future.succeededFuture();
            });
        }
        assertTrue(BoundedLauncher.run(tasks, 8).succeeded());
        assertEquals(100_000, ran.get());
    }

    @Test
    void emptyAndThrowingTasks() {
        assertTrue(BoundedLauncher.run(List.of(), 8).succeeded());
        Future<Void> f = BoundedLauncher.run(
                List.of(() -> {
                    throw new IllegalStateException("boom");
                }),
                1);
        assertTrue(f.succeeded());
        assertFalse(f.failed());
    }
}
