package io.strongroom.core.volume;

import static org.awaitility.Awaitility.await;

import io.strongroom.core.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Concurrent clients of one volume for the key-change tests: each client owns a range of blocks and loops write a
 * block, read it back, read another of its blocks; every answer is checked against the client's own record of what
 * it last wrote, so a failed request, a lost write or a wrong byte is counted. Runs until {@link #stop()}.
 */
final class VolumeLoad {
    private final VolumeService service;
    private final String volume;
    private final int blockSize;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong requests = new AtomicLong();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Future<Void>> clients = new ArrayList<>();
    /** Per block: seed of the last acknowledged write (0 = the content written before the load started). */
    private final int[] seeds;

    private VolumeLoad(VolumeService service, String volume, int blockSize, int blocks) {
        this.service = service;
        this.volume = volume;
        this.blockSize = blockSize;
        this.seeds = new int[blocks];
    }

    /**
     * Starts {@code clients} clients over blocks {@code 0..blocks-1}; each block must hold
     * {@code VolumeTestKit.pattern(blockSize, 1, initialSeed(block))} already.
     */
    static VolumeLoad start(VolumeService service, String volume, int blockSize, int blocks, int clients) {
        return new VolumeLoad(service, volume, blockSize, blocks).launch(clients);
    }

    /** Starts new clients (of {@code service}, say after a restart) where {@code previous} (stopped) left the blocks. */
    static VolumeLoad resume(VolumeLoad previous, VolumeService service, int clients) {
        VolumeLoad load = new VolumeLoad(service, previous.volume, previous.blockSize, previous.seeds.length);
        System.arraycopy(previous.seeds, 0, load.seeds, 0, previous.seeds.length);
        return load.launch(clients);
    }

    private VolumeLoad launch(int clients) {
        int per = seeds.length / clients;
        for (int c = 0; c < clients; c++) {
            this.clients.add(client(c * per, per, new SplittableRandom(c + 31L * clients)));
        }
        return this;
    }

    static int initialSeed(long block) {
        return (int) (1_000_000 + block);
    }

    private Future<Void> client(int first, int count, SplittableRandom random) {
        Promise<Void> done = Promise.promise();
        step(first, count, random, done);
        return done.future();
    }

    private void step(int first, int count, SplittableRandom random, Promise<Void> done) {
        if (!running.get()) {
            done.complete();
            return;
        }
        int block = first + random.nextInt(count);
        int seed = random.nextInt(1, Integer.MAX_VALUE);
        Buffer data = VolumeTestKit.pattern(blockSize, 1, seed);
        int other = first + random.nextInt(count);
        service.write(volume, block, data)
                .compose(x -> {
                    seeds[block] = seed;
                    return service.read(volume, block, 1);
                })
                .compose(back -> {
                    check(block, back);
                    return service.read(volume, other, 1);
                })
                .onComplete(ar -> {
                    requests.addAndGet(3);
                    if (ar.failed()) {
                        failures.add("block " + block + ": " + ar.cause());
                    } else {
                        check(other, ar.result());
                    }
                    step(first, count, random, done);
                });
    }

    private void check(int block, Buffer back) {
        int seed = seeds[block];
        Buffer expected = VolumeTestKit.pattern(blockSize, 1, seed == 0 ? initialSeed(block) : seed);
        if (!expected.equals(back)) {
            failures.add("block " + block + " does not read back as its last write (seed " + seed + ")");
        }
    }

    /** Stops the clients and waits for their last requests. */
    VolumeLoad stop() {
        running.set(false);
        Await.result(Future.all(clients));
        return this;
    }

    long requests() {
        return requests.get();
    }

    /**
     * Waits until the clients have made {@code n} more requests, so that what the test does next happens under load
     * (or until one failed: the test's check of {@link #failures()} reports it).
     */
    void awaitProgress(long n) {
        long target = requests.get() + n;
        await("the load making " + n + " more requests")
                .atMost(Await.DEFAULT_TIMEOUT)
                .until(() -> requests.get() >= target || !failures.isEmpty());
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    /** The seed each block holds now (for checks after the load). */
    int expectedSeed(int block) {
        return seeds[block] == 0 ? initialSeed(block) : seeds[block];
    }
}
