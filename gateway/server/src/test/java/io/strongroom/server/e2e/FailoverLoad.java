package io.strongroom.server.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.server.GatewayProcess;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A client writing one volume through whichever gateway it points at, several writers at once: runs of
 * {@value #RUN} fresh blocks, each with content of its own, each sent until a gateway acknowledges it. A refusal (any
 * HTTP answer but 204) is sent again, to the gateway the client points at by then; a request that got no answer (the
 * gateway died under it) stays in flight: its blocks may hold its content or nothing, and the writer takes a fresh run.
 * {@link #verify} then checks what a gateway reads back against what was acknowledged.
 */
final class FailoverLoad implements AutoCloseable {
    static final int RUN = 4;
    private static final int BS = 8192;

    private final String volumePath;
    private final long blocks;
    private final ExecutorService writers;
    private final List<Future<?>> running = new ArrayList<>();
    /** First block of each run → its content, once a gateway acknowledged the write. */
    private final Map<Long, byte[]> acknowledged = new ConcurrentHashMap<>();
    /** Runs whose write got no answer (the gateway died under it, or the writers stopped). */
    private final Map<Long, byte[]> inFlight = new ConcurrentHashMap<>();

    private final AtomicLong nextRun = new AtomicLong();
    private final AtomicInteger ackedByTarget = new AtomicInteger();
    private final AtomicLong firstAckByTarget = new AtomicLong();
    private volatile GatewayProcess target;
    private volatile boolean stop;
    private volatile String lastRefusal;

    /** Starts {@code threads} writers on volume {@code name} ({@code blocks} blocks of 8 KiB) through {@code first}. */
    FailoverLoad(GatewayProcess first, String name, long blocks, int threads) {
        this.volumePath = "/v1/volumes/" + name + "/blocks/";
        this.blocks = blocks;
        this.target = first;
        this.writers = Executors.newFixedThreadPool(threads);
        for (int w = 0; w < threads; w++) {
            running.add(writers.submit(this::write));
        }
    }

    /** Points the client at {@code next}; from now on its acknowledgements are counted. */
    void moveTo(GatewayProcess next) {
        ackedByTarget.set(0);
        firstAckByTarget.set(0);
        target = next;
    }

    int acknowledged() {
        return acknowledged.size();
    }

    /** Writes acknowledged by the gateway last moved to. */
    int ackedByTarget() {
        return ackedByTarget.get();
    }

    /** {@link System#nanoTime} of the first write the gateway last moved to acknowledged, or 0. */
    long firstAckByTarget() {
        return firstAckByTarget.get();
    }

    /** The last refusal (status and body), for failure messages. */
    String lastRefusal() {
        return lastRefusal;
    }

    /** Stops the writers, waiting for the requests they have out. */
    void stop() throws Exception {
        stop = true;
        for (Future<?> f : running) {
            f.get(120, TimeUnit.SECONDS);
        }
    }

    /**
     * Every acknowledged run reads back exactly through {@code reader}; each block of a run in flight reads as that
     * run's content or as zeros; no read fails (a torn or foreign slot would answer 500 BlockIntegrityError).
     */
    void verify(GatewayProcess reader) throws Exception {
        for (Map.Entry<Long, byte[]> run : acknowledged.entrySet()) {
            assertArrayEquals(run.getValue(), read(reader, run.getKey()), "run at block " + run.getKey());
        }
        for (Map.Entry<Long, byte[]> run : inFlight.entrySet()) {
            byte[] read = read(reader, run.getKey());
            for (int i = 0; i < RUN; i++) {
                byte[] block = Arrays.copyOfRange(read, i * BS, (i + 1) * BS);
                byte[] sent = Arrays.copyOfRange(run.getValue(), i * BS, (i + 1) * BS);
                assertTrue(
                        Arrays.equals(block, new byte[BS]) || Arrays.equals(block, sent),
                        "block " + (run.getKey() + i) + " holds what was in flight or nothing");
            }
        }
    }

    /** For the log: runs acknowledged and in flight. */
    String summary() {
        return acknowledged.size() + " runs of " + RUN + " blocks acknowledged, " + inFlight.size() + " in flight";
    }

    @Override
    public void close() {
        stop = true;
        writers.shutdownNow();
    }

    private void write() {
        while (!stop) {
            long first = nextRun.getAndAdd(RUN);
            if (first + RUN > blocks) {
                return;
            }
            byte[] content = BlockApiTest.random(RUN * BS, first);
            int status = 0;
            while (status != 204 && status != -1 && !stop) {
                GatewayProcess gateway = target;
                status = put(gateway, first, content);
                if (status == 204 && gateway == target) {
                    firstAckByTarget.compareAndSet(0, System.nanoTime());
                    ackedByTarget.incrementAndGet();
                } else if (status != 204) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // the client's retry back-off
                }
            }
            (status == 204 ? acknowledged : inFlight).put(first, content);
        }
    }

    /** The HTTP status of the write, or -1 if no answer came. */
    private int put(GatewayProcess gateway, long first, byte[] content) {
        try {
            HttpResponse<byte[]> r =
                    gateway.send("PUT", volumePath + first + "?count=" + RUN, TestTokens.DATA_ALL, content);
            if (r.statusCode() != 204) {
                lastRefusal = r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8);
            }
            return r.statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private byte[] read(GatewayProcess reader, long first) throws Exception {
        HttpResponse<byte[]> r = reader.send("GET", volumePath + first + "?count=" + RUN, TestTokens.DATA_ALL, null);
        assertEquals(
                200, r.statusCode(), () -> "run at " + first + ": " + new String(r.body(), StandardCharsets.UTF_8));
        return r.body();
    }
}
