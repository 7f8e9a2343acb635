package io.strongroom.store.local;

import static io.strongroom.core.store.BlockStoreException.Reason.QUEUE_FULL;
import static io.strongroom.core.store.BlockStoreException.Reason.TOO_LARGE;
import static io.strongroom.core.testkit.store.StoreAsserts.assertFails;
import static io.strongroom.core.testkit.store.StoreAsserts.bytes;
import static io.strongroom.store.local.LocalStats.detail;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.BlockStoreStats;
import io.strongroom.core.store.Durability;
import io.strongroom.core.store.VolumeFault;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.BlockStoreContract;
import io.strongroom.core.testkit.store.SlotPattern;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The store contract against the local-file store itself (no slot cache: every read goes to the files), plus what
 * is particular to local files, in both durability modes. The contract through the cache is
 * {@link CachedLocalFileBlockStoreTest}.
 */
@ParameterizedClass
@EnumSource(Durability.class)
class LocalFileBlockStoreTest extends BlockStoreContract {

    private final Durability durability;
    private final LocalFileBlockStoreOptions tuning = new LocalFileBlockStoreOptions();

    @TempDir
    Path dir;

    LocalFileBlockStoreTest(Durability durability) {
        this.durability = durability;
    }

    @Override
    protected BlockStore openStore(Vertx vertx) {
        return Await.result(LocalFileBlockStore.open(
                vertx, new LocalFileBlockStoreOptions(tuning).setDataDir(dir).setDurability(durability)));
    }

    /** Slot images for blocks 0.. (modulo the volume), built up front so the writes are issued back to back. */
    private static List<Buffer> slotsForBlocks(int n) {
        List<Buffer> slots = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            slots.add(run(b % BLOCKS, 1, 1));
        }
        return slots;
    }

    private LocalFileBlockStore local() {
        return (LocalFileBlockStore) store;
    }

    @Test
    void volumeLivesInItsOwnDirectoryWithDocumentedFiles() {
        Path volumeDir = dir.resolve(volume.toString());
        for (String f : List.of("volume.hdr", "slots.dat", "journal.wal")) {
            assertTrue(Files.isRegularFile(volumeDir.resolve(f)), f);
        }
    }

    @Test
    void statsCountOperationsAndGroupCommits() {
        List<Future<Void>> writes = new ArrayList<>();
        List<Buffer> slots = slotsForBlocks(32);
        for (int b = 0; b < 32; b++) {
            writes.add(store.write(volume, b, slots.get(b)));
        }
        Await.result(Future.all(writes));
        Await.result(store.trim(volume, 0, 2));
        Await.result(store.read(volume, 0, 4));
        Await.result(store.flush(volume));
        BlockStoreStats s = store.stats();
        assertEquals(32, s.writes());
        assertEquals(32L * SLOT, s.writeBytes());
        assertEquals(1, s.trims());
        assertEquals(1, s.reads());
        assertEquals(4L * SLOT, s.readBytes());
        assertEquals(1, s.flushes());
        assertEquals(0, s.cacheHits(), "the store itself caches nothing");
        assertEquals(34, detail(s, "batchedOperations"), "32 writes, a trim and a flush went through group commit");
        assertTrue(detail(s, "batches") < 34, "concurrent writes were batched: " + detail(s, "batches") + " batches");
        assertTrue(detail(s, "largestBatch") > 1);
        assertEquals(33L * JournalRecordDescriptor.HEADER_LENGTH + 32L * SLOT, detail(s, "journalBytes"));
        if (durability == Durability.FSYNC) {
            assertEquals(detail(s, "batches") - 1, detail(s, "journalSyncs"), "one fdatasync per batch with records");
        } else {
            assertEquals(1, detail(s, "journalSyncs"), "NONE syncs only on flush");
            assertEquals(0, detail(s, "dataSyncs"), "a flush syncs the journal only; checkpoints sync the data file");
        }
        assertEquals(0, s.pendingWrites());
    }

    @Test
    void fullWriteQueueIsRefusedWithQueueFull() throws Exception {
        tuning.setMaxPendingWrites(4);
        reopen();
        List<Future<Void>> writes = new ArrayList<>();
        List<Buffer> slots = slotsForBlocks(40);
        for (int b = 0; b < 40; b++) {
            writes.add(store.write(volume, b % BLOCKS, slots.get(b)));
        }
        assertTrue(store.pendingWrites() <= store.maxPendingWrites());
        assertEquals(4, store.maxPendingWrites());
        List<Boolean> outcomes = refusedOrDone(writes, QUEUE_FULL);
        assertTrue(outcomes.contains(false), "some of 40 back-to-back writes were refused");
        assertTrue(outcomes.contains(true), "some of 40 back-to-back writes were acknowledged");
        assertEquals(0, store.pendingWrites());
    }

    @Test
    void fullReadQueueIsRefusedWithQueueFull() throws Exception {
        tuning.setMaxPendingReads(2).setReadThreads(1);
        reopen();
        List<Future<Buffer>> reads = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            reads.add(store.read(volume, 0, (int) BLOCKS));
        }
        List<Boolean> outcomes = refusedOrDone(reads, QUEUE_FULL);
        assertTrue(outcomes.contains(false), "some of 40 back-to-back reads were refused");
        assertTrue(outcomes.contains(true), "some of 40 back-to-back reads were served");
        assertEquals(0, local().pendingReads());
    }

    /** For each future: true if it succeeded, false if it failed with {@code reason} (anything else fails). */
    private static List<Boolean> refusedOrDone(List<? extends Future<?>> futures, BlockStoreException.Reason reason) {
        List<Boolean> outcomes = new ArrayList<>();
        for (Future<?> f : futures) {
            try {
                Await.result(f);
                outcomes.add(true);
            } catch (BlockStoreException e) {
                assertSame(reason, e.reason());
                outcomes.add(false);
            }
        }
        return outcomes;
    }

    @Test
    void largeTrimZeroesEverySlotInChunksAndStopsAtTheFileEnd() throws Exception {
        UUID big = UUID.randomUUID();
        long blocks = 1L << 30; // 8.8 TB of slots: sparse, and within ext4's 16 TiB file size limit
        Await.result(store.createVolume(big, SLOT, blocks));
        int written = 300;
        for (int first = 0; first < written; first += 100) {
            Await.result(store.write(big, first, run(first, 100, 1)));
        }
        Await.result(store.trim(big, 1, blocks - 1));
        long[] g = SlotPattern.generationsOf(bytes(store.read(big, 0, written)), SLOT, 0);
        assertEquals(1, g[0], "block before the trimmed range");
        for (int b = 1; b < written; b++) {
            assertEquals(SlotPattern.ZEROS, g[b], "block " + b);
        }
        assertEquals(
                (long) written * SLOT,
                Files.size(dir.resolve(big.toString()).resolve(LocalVolume.DATA_FILE)),
                "a trim never extends the sparse file");
    }

    @Test
    void oversizedRequestsAreRefused() throws Exception {
        tuning.setMaxRequestBytes(4 * SLOT);
        reopen();
        assertEquals(4 * SLOT, store.maxRequestBytes());
        assertFails(TOO_LARGE, store.write(volume, 0, run(0, 5, 1)));
        assertFails(TOO_LARGE, store.read(volume, 0, 5));
        Await.result(store.write(volume, 0, run(0, 4, 1)));
    }

    @Test
    void checkpointsRestartTheJournalAndKeepData() throws Exception {
        tuning.setCheckpointBytes(4L * SLOT);
        reopen();
        for (int b = 0; b < 20; b++) {
            Await.result(store.write(volume, b, run(b, 1, 7)));
        }
        assertTrue(detail(store, "checkpoints") >= 4, "checkpoints: " + detail(store, "checkpoints"));
        assertTrue(
                Files.size(dir.resolve(volume.toString()).resolve(Journal.FILE_NAME)) < 8192 + 6L * (SLOT + 40),
                "journal space is reused, not grown");
        reopen();
        assertEquals(0, detail(store, "recoveredRecords"), "a clean close leaves nothing to replay");
        long[] expected = new long[20];
        Arrays.fill(expected, 7);
        assertGenerations(0, expected);
    }

    @Test
    void interruptedCreationAndDeletionAreFinishedOnOpen() throws Exception {
        UUID half = UUID.randomUUID();
        Files.createDirectories(dir.resolve(LocalVolume.CREATING_PREFIX + half));
        Files.writeString(dir.resolve(LocalVolume.CREATING_PREFIX + half).resolve("volume.hdr"), "partial");
        Files.createDirectories(dir.resolve(LocalVolume.DELETING_PREFIX + half));
        reopen();
        assertEquals(List.of(volume), local().volumes());
        assertFalse(Files.exists(dir.resolve(LocalVolume.CREATING_PREFIX + half)));
        assertFalse(Files.exists(dir.resolve(LocalVolume.DELETING_PREFIX + half)));
    }

    @Test
    void aDamagedVolumeIsSetAsideWithCorruptAndTheOthersOpen() throws Exception {
        UUID healthy = UUID.randomUUID();
        Await.result(store.createVolume(healthy, SLOT, BLOCKS));
        Await.result(store.write(healthy, 2, run(2, 1, 6)));
        Await.result(store.close());
        Path header = dir.resolve(volume.toString()).resolve(LocalVolume.HEADER_FILE);
        byte[] bytes = Files.readAllBytes(header);
        bytes[13] ^= 1;
        Files.write(header, bytes);
        store = openStore(vertx);
        assertFails(BlockStoreException.Reason.CORRUPT, store.read(volume, 0, 1));
        assertFails(BlockStoreException.Reason.CORRUPT, store.write(volume, 0, run(0, 1, 1)));
        List<VolumeFault> faults = store.volumeFaults();
        assertEquals(1, faults.size(), faults.toString());
        assertEquals(volume, faults.get(0).volumeId());
        assertEquals(VolumeFault.State.STOPPED, faults.get(0).state());
        assertEquals(6, SlotPattern.generationOf(bytes(store.read(healthy, 2, 1)), 0, SLOT, 2));
        Await.result(store.close());
        Files.write(
                header,
                VolumeHeaderDescriptor.encode(new VolumeHeaderDescriptor.Geometry(volume, SLOT, BLOCKS))
                        .array());
        store = openStore(vertx);
    }
}
