package io.strongroom.store.local;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.BlockStoreStats;
import io.strongroom.core.store.Durability;
import io.strongroom.core.store.StoreSnapshot;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.SlotPattern;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A quick, side-by-side measurement (not a test): sealed-8-KiB-slot writes per second with 16 concurrent writers,
 * in FSYNC and NONE mode, plus raw baselines without the store for the journal's cost, on batches of 16 random
 * slots: written in place only (what a journal-less store would do, not atomic per block) against the journal's way
 * (one sequential append, then the in-place writes), each with and without one fdatasync per batch (of the data file
 * without a journal, of the journal with one). With {@code snapshot} the store runs are repeated over a volume with
 * one live snapshot taken before the writers start (so each slot's first write pays its copy before write).
 *
 * <pre>
 *   java -cp &lt;test classpath&gt; io.strongroom.store.local.StoreThroughputMain /some/dir [seconds [checkpointMiB [snapshot]]]
 * </pre>
 */
public final class StoreThroughputMain {

    private static final int SLOT = 8192 + 48;
    private static final int BLOCKS = 16384;
    private static final int WRITERS = 16;

    private StoreThroughputMain() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/store-throughput");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long checkpointBytes =
                args.length > 2 ? Long.parseLong(args[2]) << 20 : LocalFileBlockStoreOptions.DEFAULT_CHECKPOINT_BYTES;
        boolean withSnapshot = args.length > 3 && args[3].equals("snapshot");
        Files.createDirectories(dir);
        Vertx vertx = Vertx.vertx();
        try {
            for (Durability d : Durability.values()) {
                measureStore(vertx, dir.resolve("store-" + d.configName()), d, seconds, checkpointBytes, false);
                if (withSnapshot) {
                    measureStore(vertx, dir.resolve("snap-" + d.configName()), d, seconds, checkpointBytes, true);
                }
            }
            measureRawBatches(dir.resolve("raw"), seconds);
        } finally {
            Await.result(vertx.close());
        }
    }

    private static void measureStore(
            Vertx vertx, Path dir, Durability durability, int seconds, long checkpointBytes, boolean withSnapshot)
            throws Exception {
        LocalFileBlockStore store = Await.result(LocalFileBlockStore.open(
                vertx,
                new LocalFileBlockStoreOptions()
                        .setDataDir(dir)
                        .setDurability(durability)
                        .setCheckpointBytes(checkpointBytes)));
        UUID volume = UUID.randomUUID();
        Await.result(store.createVolume(volume, SLOT, BLOCKS));
        if (withSnapshot) {
            Await.result(store.createSnapshot(volume, new StoreSnapshot(UUID.randomUUID(), "s", Instant.now())));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong done = new AtomicLong();
        AtomicLong slowest = new AtomicLong();
        List<Future<Void>> writers = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < WRITERS; w++) {
            Promise<Void> finished = Promise.promise();
            Buffer slot = Buffer.buffer(SlotPattern.slot(SLOT, w, 1));
            writeLoop(store, volume, slot, new SplittableRandom(w), deadline, done, slowest, finished);
            writers.add(finished.future());
        }
        Await.result(Future.all(writers));
        double elapsed = (System.nanoTime() - start) / 1e9;
        BlockStoreStats s = store.stats();
        Await.result(store.close());
        System.out.printf(
                Locale.US,
                "store %-5s%s %8.0f writes/s %7.1f MB/s  avg batch %5.1f  journal syncs/s %6.0f"
                        + "  checkpoints %d  slowest write %.1f ms  copied before write %d slots%n",
                durability.configName(),
                withSnapshot ? " (1 snapshot)" : "",
                done.get() / elapsed,
                done.get() * (double) SLOT / elapsed / 1e6,
                (double) LocalStats.detail(s, "batchedOperations") / Math.max(1, LocalStats.detail(s, "batches")),
                LocalStats.detail(s, "journalSyncs") / elapsed,
                LocalStats.detail(s, "checkpoints"),
                slowest.get() / 1e6,
                LocalStats.detail(s, "copyBeforeWriteBytes") / SLOT);
    }

    private static void writeLoop(
            BlockStore store,
            UUID volume,
            Buffer slot,
            SplittableRandom random,
            long deadline,
            AtomicLong done,
            AtomicLong slowest,
            Promise<Void> finished) {
        long issued = System.nanoTime();
        if (issued >= deadline) {
            finished.complete();
            return;
        }
        store.write(volume, random.nextInt(BLOCKS), slot).onComplete(ar -> {
            if (ar.failed()) {
                finished.fail(ar.cause());
                return;
            }
            done.incrementAndGet();
            slowest.accumulateAndGet(System.nanoTime() - issued, Math::max);
            writeLoop(store, volume, slot, random, deadline, done, slowest, finished);
        });
    }

    /** Batches of 16 slots: in place only against journal append + in place, each with and without fdatasync. */
    private static void measureRawBatches(Path dir, int seconds) throws IOException {
        Files.createDirectories(dir);
        ByteBuffer batch = ByteBuffer.allocateDirect(WRITERS * SLOT);
        SplittableRandom random = new SplittableRandom(1);
        try (FileChannel data = FileChannel.open(
                        dir.resolve("data"),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileChannel journal = FileChannel.open(
                        dir.resolve("journal"),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.READ,
                        StandardOpenOption.WRITE)) {
            for (int variant = 0; variant < 4; variant++) {
                boolean viaJournal = (variant & 1) == 1;
                boolean sync = variant < 2;
                long batches = 0;
                long journalAt = 0;
                long start = System.nanoTime();
                long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
                while (System.nanoTime() < deadline) {
                    if (viaJournal) {
                        if (journalAt > 64L * 1024 * 1024) {
                            journalAt = 0;
                        }
                        StoreFiles.writeFully(journal, batch.clear(), journalAt);
                        journalAt += batch.capacity();
                        if (sync) {
                            journal.force(false);
                        }
                    }
                    for (int i = 0; i < WRITERS; i++) {
                        ByteBuffer one = batch.duplicate().limit((i + 1) * SLOT).position(i * SLOT);
                        StoreFiles.writeFully(data, one, (long) random.nextInt(BLOCKS) * SLOT);
                    }
                    if (sync && !viaJournal) {
                        data.force(false);
                    }
                    batches++;
                }
                double elapsed = (System.nanoTime() - start) / 1e9;
                System.out.printf(
                        Locale.US,
                        "raw   %-34s %8.0f slots/s (batches of %d)%n",
                        (viaJournal ? "journal append, in place" : "in place only")
                                + (sync ? ", 1 fdatasync" : ", no sync"),
                        batches * WRITERS / elapsed,
                        WRITERS);
            }
        }
    }
}
