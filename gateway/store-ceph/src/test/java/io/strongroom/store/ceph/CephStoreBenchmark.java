package io.strongroom.store.ceph;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.StorageOptions;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.SlotPattern;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A measurement, not a test: random single-slot writes, then random reads, of sealed 8 KiB blocks (8,240-byte slots)
 * through the {@code ceph} store without the slot cache, at a fixed queue depth, to set beside {@code rados bench}
 * at the same size and depth ({@code bench/ceph.sh} runs both).
 *
 * <pre>
 *   java -cp &lt;test classpath&gt; io.strongroom.store.ceph.CephStoreBenchmark ceph.conf [seconds [depth [blocks]]]
 * </pre>
 */
public final class CephStoreBenchmark {

    private static final int SLOT = 8192 + 48;

    private CephStoreBenchmark() {}

    public static void main(String[] args) {
        Path conf = Path.of(args[0]);
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int depth = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        int blocks = args.length > 3 ? Integer.parseInt(args[3]) : 65_536;
        Vertx vertx = Vertx.vertx();
        StorageOptions options = new StorageOptions()
                .setCephConf(conf)
                .setCephNamespace("bench-" + UUID.randomUUID())
                .setCacheBytes(0);
        CephStorageBackend backend = Await.result(CephStorageBackend.open(vertx, options));
        BlockStore store = backend.blocks();
        UUID volume = UUID.randomUUID();
        Await.result(store.createVolume(volume, SLOT, blocks));
        Buffer slot = SlotPattern.run(SLOT, 0, 1, 1);
        System.out.printf(
                Locale.ROOT, "# ceph store, %d-byte slots, queue depth %d, %d s each%n", SLOT, depth, seconds);
        report(
                "write",
                run(vertx, depth, seconds, b -> store.write(volume, b, slot).mapEmpty(), blocks));
        report(
                "random read",
                run(vertx, depth, seconds, b -> store.read(volume, b, 1).mapEmpty(), blocks));
        Await.result(store.deleteVolume(volume));
        Await.result(backend.close());
        Await.result(vertx.close());
    }

    private interface Op {
        Future<Void> on(long block);
    }

    private static void report(String what, double opsPerSecond) {
        System.out.printf(Locale.ROOT, "%-12s %,10.0f ops/s%n", what, opsPerSecond);
    }

    /** Keeps {@code depth} operations on random blocks in flight for {@code seconds}; returns completions per second. */
    private static double run(Vertx vertx, int depth, int seconds, Op op, int blocks) {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Promise<Void> finished = Promise.promise();
        AtomicLong running = new AtomicLong(depth);
        vertx.runOnContext(x -> {
            for (int i = 0; i < depth; i++) {
                loop(op, new SplittableRandom(i), blocks, end, done, running, finished);
            }
        });
        long start = System.nanoTime();
        Await.result(finished.future(), java.time.Duration.ofSeconds(seconds + 120L));
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static void loop(
            Op op,
            SplittableRandom random,
            int blocks,
            long end,
            AtomicLong done,
            AtomicLong running,
            Promise<Void> finished) {
        if (System.nanoTime() - end >= 0) {
            if (running.decrementAndGet() == 0) {
                finished.complete();
            }
            return;
        }
        op.on(random.nextInt(blocks)).onComplete(ar -> {
            if (ar.failed()) {
                finished.tryFail(ar.cause());
                return;
            }
            done.incrementAndGet();
            loop(op, random, blocks, end, done, running, finished);
        });
    }
}
