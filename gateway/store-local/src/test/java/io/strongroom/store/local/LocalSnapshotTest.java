package io.strongroom.store.local;

import static io.strongroom.core.testkit.store.StoreAsserts.assertFails;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.Durability;
import io.strongroom.core.store.StoreSnapshot;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.SlotPattern;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Snapshots of the local store (docs/SNAPSHOTS.md): point-in-time content under concurrent writers, copy before
 * write and the space it takes, restart and crash, deletion. Slots are {@link SlotPattern}s, so every slot read
 * back names the block and the generation it was written with.
 */
@ParameterizedClass
@EnumSource(Durability.class)
class LocalSnapshotTest {

    private static final int SLOT = 4096 + 48;
    private static final int WRITERS = 8;
    private static final int PER_WRITER = 8;
    private static final int BLOCKS = WRITERS * PER_WRITER;

    private final Durability durability;
    private final UUID volume = UUID.randomUUID();
    private Vertx vertx;
    private LocalFileBlockStore store;

    @TempDir
    Path dir;

    @TempDir
    Path crashCopy;

    LocalSnapshotTest(Durability durability) {
        this.durability = durability;
    }

    @BeforeEach
    void open() {
        vertx = Vertx.vertx();
        store = open(dir);
        Await.result(store.createVolume(volume, SLOT, BLOCKS));
    }

    @AfterEach
    void close() {
        Await.result(store.close().transform(ar -> vertx.close()));
    }

    private LocalFileBlockStore open(Path dataDir) {
        return Await.result(LocalFileBlockStore.open(
                vertx,
                new LocalFileBlockStoreOptions()
                        .setDataDir(dataDir)
                        .setDurability(durability)
                        .setCheckpointBytes(256 * 1024)));
    }

    private static StoreSnapshot snapshot(String name) {
        return new StoreSnapshot(UUID.randomUUID(), name, Instant.now());
    }

    private long[] generations(Future<io.vertx.core.buffer.Buffer> read) {
        return generations(read, 0);
    }

    private long[] generations(Future<io.vertx.core.buffer.Buffer> read, long first) {
        return SlotPattern.generationsOf(Await.result(read).getBytes(), SLOT, first);
    }

    private long[] snapshotContent(LocalFileBlockStore s, StoreSnapshot snap) {
        return generations(s.readSnapshot(volume, snap.id(), 0, BLOCKS));
    }

    @Test
    void aSnapshotKeepsWhatTheVolumeHeldWhenItWasTaken() {
        Await.result(store.write(volume, 0, SlotPattern.run(SLOT, 0, 4, 1)));
        StoreSnapshot first = snapshot("first");
        Await.result(store.createSnapshot(volume, first));
        Await.result(store.write(volume, 1, SlotPattern.run(SLOT, 1, 2, 2)));
        Await.result(store.trim(volume, 3, 1));
        Await.result(store.write(volume, 10, SlotPattern.run(SLOT, 10, 1, 2)));

        long[] snap = generations(store.readSnapshot(volume, first.id(), 0, 12));
        assertArrayEquals(new long[] {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, snap);
        long[] now = generations(store.read(volume, 0, 12));
        assertArrayEquals(new long[] {1, 2, 2, 0, 0, 0, 0, 0, 0, 0, 2, 0}, now);
        assertArrayEquals(
                new long[] {1, 1}, generations(store.readSnapshot(volume, first.id(), 2, 2), 2), "a run inside it");
        assertEquals(List.of(first), Await.result(store.snapshots(volume)));
        assertEquals(1, LocalStats.detail(store, "snapshots"), "the gauge counts it");
    }

    @Test
    void preservedBlocksAreTheBlocksChangedSinceTheSnapshotInPagesAndSurviveARestart() {
        Await.result(store.write(volume, 0, SlotPattern.run(SLOT, 0, 4, 1)));
        StoreSnapshot base = snapshot("base");
        Await.result(store.createSnapshot(volume, base));
        assertArrayEquals(new long[0], Await.result(store.preservedBlocks(volume, base.id(), 0, BLOCKS)));
        Await.result(store.write(volume, 1, SlotPattern.run(SLOT, 1, 2, 2)));
        Await.result(store.trim(volume, 40, 2));
        Await.result(store.write(volume, BLOCKS - 1, SlotPattern.run(SLOT, BLOCKS - 1, 1, 2)));
        Await.result(store.write(volume, 1, SlotPattern.run(SLOT, 1, 1, 3)));

        long[] all = {1, 2, 40, 41, BLOCKS - 1};
        assertArrayEquals(all, Await.result(store.preservedBlocks(volume, base.id(), 0, BLOCKS)));
        assertArrayEquals(new long[] {1, 2}, Await.result(store.preservedBlocks(volume, base.id(), 0, 2)));
        assertArrayEquals(new long[] {40, 41}, Await.result(store.preservedBlocks(volume, base.id(), 3, 2)));
        assertArrayEquals(new long[] {BLOCKS - 1}, Await.result(store.preservedBlocks(volume, base.id(), 42, 9)));
        assertArrayEquals(new long[0], Await.result(store.preservedBlocks(volume, base.id(), BLOCKS, 9)));
        assertFails(
                BlockStoreException.Reason.UNKNOWN_SNAPSHOT, store.preservedBlocks(volume, UUID.randomUUID(), 0, 1));
        assertFails(BlockStoreException.Reason.INVALID_ARGUMENT, store.preservedBlocks(volume, base.id(), 0, 0));

        Await.result(store.close());
        store = open(dir);
        assertArrayEquals(all, Await.result(store.preservedBlocks(volume, base.id(), 0, BLOCKS)));
    }

    @Test
    void namesAndIdsAreUniquePerVolumeAndUnknownSnapshotsAreRefused() {
        StoreSnapshot taken = snapshot("daily");
        Await.result(store.createSnapshot(volume, taken));
        assertFails(BlockStoreException.Reason.SNAPSHOT_EXISTS, store.createSnapshot(volume, snapshot("daily")));
        assertFails(
                BlockStoreException.Reason.SNAPSHOT_EXISTS,
                store.createSnapshot(volume, new StoreSnapshot(taken.id(), "other", Instant.now())));
        UUID unknown = UUID.randomUUID();
        assertFails(BlockStoreException.Reason.UNKNOWN_SNAPSHOT, store.readSnapshot(volume, unknown, 0, 1));
        assertFails(BlockStoreException.Reason.UNKNOWN_SNAPSHOT, store.deleteSnapshot(volume, unknown));
        assertFails(BlockStoreException.Reason.OUT_OF_RANGE, store.readSnapshot(volume, taken.id(), BLOCKS, 1));
        assertFails(BlockStoreException.Reason.UNKNOWN_VOLUME, store.createSnapshot(UUID.randomUUID(), snapshot("x")));
        assertEquals(1, Await.result(store.snapshots(volume)).size());
    }

    @Test
    void deletingASnapshotFreesItsFilesAndLeavesTheOthers() throws IOException {
        Await.result(store.write(volume, 0, SlotPattern.run(SLOT, 0, 2, 1)));
        StoreSnapshot a = snapshot("a");
        Await.result(store.createSnapshot(volume, a));
        Await.result(store.write(volume, 0, SlotPattern.run(SLOT, 0, 2, 2)));
        StoreSnapshot b = snapshot("b");
        Await.result(store.createSnapshot(volume, b));
        Await.result(store.write(volume, 0, SlotPattern.run(SLOT, 0, 2, 3)));

        Await.result(store.deleteSnapshot(volume, a.id()));
        assertEquals(List.of(b), Await.result(store.snapshots(volume)));
        assertFalse(Files.exists(snapshotDir(dir).resolve(a.id().toString())));
        assertArrayEquals(new long[] {2, 2}, generations(store.readSnapshot(volume, b.id(), 0, 2)));
        assertFails(BlockStoreException.Reason.UNKNOWN_SNAPSHOT, store.readSnapshot(volume, a.id(), 0, 1));
        Await.result(store.deleteSnapshot(volume, b.id()));
        assertArrayEquals(new long[] {3, 3}, generations(store.read(volume, 0, 2)));
        try (Stream<Path> left = Files.list(snapshotDir(dir))) {
            assertEquals(0, left.count(), "no snapshot files left");
        }
    }

    @Test
    void onlyTheFirstChangeOfASlotAfterTheSnapshotIsCopied() throws Exception {
        Await.result(store.write(volume, 0, SlotPattern.run(SLOT, 0, BLOCKS, 1)));
        Await.result(store.flush(volume));
        long volumeBytes = allocatedBytes(dir.resolve(volume.toString()).resolve(LocalVolume.DATA_FILE));
        StoreSnapshot snap = snapshot("s");
        Await.result(store.createSnapshot(volume, snap));
        Path snapDir = snapshotDir(dir).resolve(snap.id().toString());
        long emptySnapshot = allocatedBytes(snapDir.resolve(LocalVolume.DATA_FILE));
        assertEquals(0, emptySnapshot, "a snapshot starts empty, whatever the volume holds");

        long copiedBefore = LocalStats.detail(store, "copyBeforeWriteBytes");
        for (int generation = 2; generation <= 5; generation++) {
            Await.result(store.write(volume, 8, SlotPattern.run(SLOT, 8, 4, generation)));
        }
        long copied = LocalStats.detail(store, "copyBeforeWriteBytes") - copiedBefore;
        assertEquals(4L * SLOT, copied, "four slots changed, each copied once though written four times");
        long snapshotBytes = allocatedBytes(snapDir.resolve(LocalVolume.DATA_FILE));
        assertTrue(
                snapshotBytes >= 4L * SLOT && snapshotBytes <= 4L * SLOT + 2 * 4096,
                "the snapshot's slots take about the four copied slots: " + snapshotBytes + " bytes");
        assertTrue(volumeBytes >= (long) BLOCKS * SLOT, "the volume holds all its slots: " + volumeBytes);
        assertArrayEquals(new long[] {1, 1, 1, 1}, generations(store.readSnapshot(volume, snap.id(), 8, 4), 8));
    }

    /** Bytes the file system allocated to a file ({@code st_blocks * 512}), from stat(1). */
    private static long allocatedBytes(Path file) throws Exception {
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
        String[] out = new String(stat.getInputStream().readAllBytes()).trim().split(" ");
        assertEquals(0, stat.waitFor());
        return Long.parseLong(out[0]) * Long.parseLong(out[1]);
    }

    private Path snapshotDir(Path dataDir) {
        return dataDir.resolve(volume.toString()).resolve(LocalSnapshot.DIR);
    }

    /**
     * The point-in-time rule under load. Eight writers each own eight blocks and issue one write (or, now and then, a
     * trim) at a time, each write with a fresh generation; per block they log every operation in issue order and
     * the index of the last acknowledged one. Before each snapshot is asked for, the test notes per block the index
     * of the last acknowledged operation (a); when the snapshot is acknowledged, the number issued so far (i). The
     * oracle: each slot of the snapshot holds the content of one of the block's operations a..i-1 (i.e. the last
     * write acknowledged before the snapshot, or one in flight while it was taken, never an older one nor one issued
     * after it was acknowledged), and it keeps that content while the writers go on, across a restart and across a
     * crash (a copy of the files taken with the store running, as a killed process leaves them).
     */
    @Test
    void snapshotsTakenUnderConcurrentWritesHoldExactlyTheirPointInTime() throws Exception {
        List<List<Long>> ops = new ArrayList<>();
        int[] acked = new int[BLOCKS];
        for (int b = 0; b < BLOCKS; b++) {
            ops.add(new ArrayList<>(List.of(SlotPattern.ZEROS)));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger running = new AtomicInteger(WRITERS);
        AtomicLong acks = new AtomicLong();
        AtomicLong generations = new AtomicLong(1);
        List<Throwable> failures = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int first = w * PER_WRITER;
            SplittableRandom random = new SplittableRandom(w);
            vertx.runOnContext(v -> writeNext(first, random, ops, acked, stop, running, acks, generations, failures));
        }
        List<StoreSnapshot> snaps = new ArrayList<>();
        List<long[]> contents = new ArrayList<>();
        for (int s = 0; s < 8; s++) {
            long target = acks.get() + 40;
            await().atMost(Duration.ofSeconds(60)).until(() -> acks.get() >= target);
            int[] before;
            synchronized (ops) {
                before = acked.clone();
            }
            StoreSnapshot snap = snapshot("s" + s);
            Await.result(store.createSnapshot(volume, snap));
            int[] issued = new int[BLOCKS];
            List<List<Long>> log = new ArrayList<>();
            synchronized (ops) {
                for (int b = 0; b < BLOCKS; b++) {
                    issued[b] = ops.get(b).size();
                    log.add(List.copyOf(ops.get(b)));
                }
            }
            long[] content = snapshotContent(store, snap);
            for (int b = 0; b < BLOCKS; b++) {
                List<Long> window = log.get(b).subList(before[b], issued[b]);
                if (!window.contains(content[b])) {
                    fail("snapshot " + s + " block " + b + " holds generation " + content[b] + "; allowed: " + window
                            + " (last acknowledged before it: " + log.get(b).get(before[b]) + ")");
                }
            }
            snaps.add(snap);
            contents.add(content);
        }
        stop.set(true);
        await().atMost(Duration.ofSeconds(60)).until(() -> running.get() == 0);
        synchronized (failures) {
            assertTrue(failures.isEmpty(), () -> "writes failed: " + failures);
        }
        copyTree(dir, crashCopy);
        for (int s = 0; s < snaps.size(); s++) {
            assertArrayEquals(contents.get(s), snapshotContent(store, snaps.get(s)), "snapshot " + s + " later");
        }
        long[] live = generations(store.read(volume, 0, BLOCKS));

        Await.result(store.close());
        store = open(dir);
        assertEquals(snaps, Await.result(store.snapshots(volume)), "every snapshot, in order, after a restart");
        for (int s = 0; s < snaps.size(); s++) {
            assertArrayEquals(contents.get(s), snapshotContent(store, snaps.get(s)), "snapshot " + s + " restarted");
        }
        LocalFileBlockStore crashed = open(crashCopy);
        try {
            assertArrayEquals(live, generations(crashed.read(volume, 0, BLOCKS)), "the volume after the crash");
            for (int s = 0; s < snaps.size(); s++) {
                assertArrayEquals(
                        contents.get(s), snapshotContent(crashed, snaps.get(s)), "snapshot " + s + " after a crash");
            }
        } finally {
            Await.result(crashed.close());
        }
    }

    private void writeNext(
            int firstBlock,
            SplittableRandom random,
            List<List<Long>> ops,
            int[] acked,
            AtomicBoolean stop,
            AtomicInteger running,
            AtomicLong acks,
            AtomicLong generations,
            List<Throwable> failures) {
        if (stop.get()) {
            running.decrementAndGet();
            return;
        }
        int count = 1 + random.nextInt(3);
        long first = firstBlock + random.nextInt(PER_WRITER - count + 1);
        long generation = random.nextInt(10) == 0 ? SlotPattern.ZEROS : generations.getAndIncrement();
        int[] index = new int[count];
        synchronized (ops) {
            for (int i = 0; i < count; i++) {
                List<Long> blockOps = ops.get((int) first + i);
                index[i] = blockOps.size();
                blockOps.add(generation);
            }
        }
        Future<Void> op = generation == SlotPattern.ZEROS
                ? store.trim(volume, first, count)
                : store.write(volume, first, SlotPattern.run(SLOT, first, count, generation));
        op.onComplete(ar -> {
            if (ar.succeeded()) {
                synchronized (ops) {
                    for (int i = 0; i < count; i++) {
                        acked[(int) first + i] = index[i];
                    }
                }
                acks.incrementAndGet();
            } else {
                synchronized (failures) {
                    failures.add(ar.cause());
                }
            }
            writeNext(firstBlock, random, ops, acked, stop, running, acks, generations, failures);
        });
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
