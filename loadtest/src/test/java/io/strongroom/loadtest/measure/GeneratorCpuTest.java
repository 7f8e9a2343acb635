package io.strongroom.loadtest.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The window accounting reads the kernel's real per-thread statistics: a "loop" thread and a hog pinned to the
 * same CPU (taskset) share it, so the loop is runnable without running for a good part of the time, and the hog's
 * CPU counts as the JVM's other threads.
 */
class GeneratorCpuTest {

    private static final long SPIN_NANOS = TimeUnit.MILLISECONDS.toNanos(600);

    @Test
    void aLoopSharingItsCoreWithABusyThreadWaitsForIt() throws Exception {
        CompletableFuture<String> loopId = new CompletableFuture<>();
        CompletableFuture<String> hogId = new CompletableFuture<>();
        CountDownLatch pinned = new CountDownLatch(1);
        CountDownLatch spun = new CountDownLatch(2);
        CountDownLatch measured = new CountDownLatch(1);
        Thread loop = spinner(loopId, pinned, spun, measured);
        Thread hog = spinner(hogId, pinned, spun, measured);
        loop.start();
        hog.start();
        String loopTid = loopId.get(30, TimeUnit.SECONDS);
        pin(loopTid);
        pin(hogId.get(30, TimeUnit.SECONDS));
        GeneratorCpu cpu = GeneratorCpu.of(List.of(loopTid));
        assertNotNull(cpu, "Linux keeps per-thread scheduler statistics");
        cpu.begin();
        pinned.countDown();
        assertTrue(spun.await(60, TimeUnit.SECONDS));
        cpu.end(); // while the threads are still alive: a thread's statistics go with it
        measured.countDown();
        loop.join();
        hog.join();

        GeneratorCpu.Figures f = cpu.figures();
        assertTrue(f.loopRunMillis() > 50, "the loop ran: " + f);
        // two spinners on one CPU: each is runnable and waiting while the other runs
        assertTrue(f.loopWaitMillis() > 50, "the loop waited for its CPU: " + f);
        assertTrue(f.otherThreadsMillis() > 50, "the hog's CPU is the JVM's other threads': " + f);
    }

    /**
     * Publishes its kernel thread id, spins for {@link #SPIN_NANOS} of wall time once everyone is pinned, then stays
     * alive until the figures are taken.
     */
    private static Thread spinner(
            CompletableFuture<String> id, CountDownLatch go, CountDownLatch spun, CountDownLatch measured) {
        return new Thread(() -> {
            id.complete(GeneratorCpu.currentThreadId());
            try {
                go.await();
                long start = System.nanoTime();
                while (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                }
                spun.countDown();
                measured.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private static void pin(String tid) throws Exception {
        Process p = new ProcessBuilder("taskset", "--cpu-list", "--pid", "0", tid)
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), "taskset pins thread " + tid);
    }
}
