package io.strongroom.core.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConcurrencyLimitTest {

    @Test
    void refusesPastTheLimitAndAdmitsAgainAfterARelease() {
        ConcurrencyLimit limit = new ConcurrencyLimit(2);
        assertTrue(limit.tryAcquire());
        assertTrue(limit.tryAcquire());
        assertFalse(limit.tryAcquire());
        assertEquals(2, limit.inFlight(), "a refusal takes nothing");
        limit.release();
        assertTrue(limit.tryAcquire());
    }

    @Test
    void racingThreadsNeverHoldMoreThanTheLimit() throws Exception {
        int threads = 8;
        ConcurrencyLimit limit = new ConcurrencyLimit(3);
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger maxSeen = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 20_000; i++) {
                        if (limit.tryAcquire()) {
                            maxSeen.accumulateAndGet(holding.incrementAndGet(), Math::max);
                            holding.decrementAndGet();
                            limit.release();
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
            thread.start();
            started.add(thread);
        }
        start.countDown();
        assertTrue(done.await(60, TimeUnit.SECONDS), "racing threads did not finish");
        assertTrue(maxSeen.get() <= 3, "held at once: " + maxSeen.get());
        assertEquals(0, limit.inFlight());
        for (Thread thread : started) {
            thread.join();
        }
    }

    @Test
    void aLimitThatCouldAdmitNothingIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ConcurrencyLimit(0));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new StorageAdmission(0));
    }
}
