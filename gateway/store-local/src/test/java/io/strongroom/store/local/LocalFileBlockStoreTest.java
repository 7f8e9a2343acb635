package io.strongroom.store.local;

import static io.strongroom.core.store.BlockStoreException.Reason.QUEUE_FULL;
import static io.strongroom.core.store.BlockStoreException.Reason.TOO_LARGE;
import static io.strongroom.core.store.BlockStoreException.Reason.UNKNOWN_VOLUME;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.BlockStoreStats;
import io.strongroom.core.store.Durability;
import io.strongroom.core.store.MetadataStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The contract, plus what is particular to local files, in both durability modes. */
@ParameterizedClass
@EnumSource(Durability.class)
class LocalFileBlockStoreTest extends BlockStoreContractTest {

    private final Durability durability;
    private LocalFileBlockStoreOptions tuning = new LocalFileBlockStoreOptions();

    LocalFileBlockStoreTest(Durability durability) {
        this.durability = durability;
    }

    @Override
    protected BlockStore openStore(Vertx vertx, Path dir) throws Exception {
        return await(LocalFileBlockStore.open(
                vertx, new LocalFileBlockStoreOptions(tuning).setDataDir(dir).setDurability(durability)));
    }

    /** Slot images for blocks 0.. (modulo the volume), built up front so the writes are issued back to back. */
    private static List<Buffer> slotsForBlocks(int n) {
        List<Buffer> slots = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            slots.add(Buffer.buffer(SlotPattern.slot(SLOT, b % BLOCKS, 1)));
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
    void statsCountOperationsAndGroupCommits() throws Exception {
        List<Future<Void>> writes = new ArrayList<>();
        List<Buffer> slots = slotsForBlocks(32);
        for (int b = 0; b < 32; b++) {
            writes.add(store.write(volume, b, slots.get(b)));
        }
        await(Future.all(writes));
        await(store.trim(volume, 0, 2));
        await(store.read(volume, 0, 4));
        await(store.flush(volume));
        BlockStoreStats s = store.stats();
        assertEquals(32, s.writes());
        assertEquals(32L * SLOT, s.writeBytes());
        assertEquals(1, s.trims());
        assertEquals(1, s.reads());
        assertEquals(4L * SLOT, s.readBytes());
        assertEquals(1, s.flushes());
        assertEquals(34, s.batchedOperations(), "32 writes, a trim and a flush went through group commit");
        assertTrue(s.batches() < 34, "concurrent writes were batched: " + s.batches() + " batches");
        assertTrue(s.largestBatch() > 1);
        assertEquals(33L * JournalRecordDescriptor.HEADER_LENGTH + 32L * SLOT, s.journalBytes());
        if (durability == Durability.FSYNC) {
            assertEquals(s.batches() - 1, s.journalSyncs(), "one fdatasync per batch with records");
        } else {
            assertEquals(1, s.journalSyncs(), "NONE syncs only on flush");
            assertEquals(1, s.dataSyncs());
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
        int refused = 0;
        for (Future<Void> w : writes) {
            try {
                await(w);
            } catch (BlockStoreException e) {
                assertSame(QUEUE_FULL, e.reason());
                refused++;
            }
        }
        assertTrue(refused > 0, "some of 40 back-to-back writes were refused");
        assertEquals(0, store.pendingWrites());
    }

    @Test
    void fullReadQueueIsRefusedWithQueueFull() throws Exception {
        // the bound is on reads from the file: with the cache on, the reads after the first could be hits
        tuning.setMaxPendingReads(2).setReadThreads(1).setCacheBytes(0);
        reopen();
        List<Future<Buffer>> reads = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            reads.add(store.read(volume, 0, (int) BLOCKS));
        }
        int refused = 0;
        for (Future<Buffer> r : reads) {
            try {
                assertEquals(BLOCKS * SLOT, await(r).length());
            } catch (BlockStoreException e) {
                assertSame(QUEUE_FULL, e.reason());
                refused++;
            }
        }
        assertTrue(refused > 0, "some of 40 back-to-back reads were refused");
        assertEquals(0, local().pendingReads());
    }

    @Test
    void largeTrimZeroesEverySlotInChunksAndStopsAtTheFileEnd() throws Exception {
        UUID big = UUID.randomUUID();
        long blocks = 1L << 40;
        await(store.createVolume(big, SLOT, blocks));
        int written = 300;
        for (int first = 0; first < written; first += 100) {
            Buffer run = Buffer.buffer(100 * SLOT);
            for (int b = first; b < first + 100; b++) {
                run.appendBytes(SlotPattern.slot(SLOT, b, 1));
            }
            await(store.write(big, first, run));
        }
        await(store.trim(big, 1, blocks - 1));
        byte[] slots = bytes(store.read(big, 0, written));
        assertEquals(1, SlotPattern.generationOf(slots, 0, SLOT, 0), "block before the trimmed range");
        for (int b = 1; b < written; b++) {
            assertEquals(SlotPattern.ZEROS, SlotPattern.generationOf(slots, b * SLOT, SLOT, b), "block " + b);
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
        assertFails(TOO_LARGE, store.write(volume, 0, run(0, 5, 1)));
        assertFails(TOO_LARGE, store.read(volume, 0, 5));
        await(store.write(volume, 0, run(0, 4, 1)));
    }

    @Test
    void checkpointsRestartTheJournalAndKeepData() throws Exception {
        tuning.setCheckpointBytes(4L * SLOT);
        reopen();
        for (int b = 0; b < 20; b++) {
            await(store.write(volume, b, Buffer.buffer(SlotPattern.slot(SLOT, b, 7))));
        }
        assertTrue(
                store.stats().checkpoints() >= 4,
                "checkpoints: " + store.stats().checkpoints());
        assertTrue(
                Files.size(dir.resolve(volume.toString()).resolve(Journal.FILE_NAME)) < 8192 + 6L * (SLOT + 40),
                "journal space is reused, not grown");
        reopen();
        assertEquals(0, store.stats().recoveredRecords(), "a clean close leaves nothing to replay");
        byte[] slots = bytes(store.read(volume, 0, 20));
        for (int b = 0; b < 20; b++) {
            assertEquals(7, SlotPattern.generationOf(slots, b * SLOT, SLOT, b));
        }
    }

    @Test
    void metadataIsReplacedWholeListedAndDeletedWithTheVolume() throws Exception {
        MetadataStore meta = local().metadata();
        assertEquals(Optional.empty(), await(meta.read(volume)));
        assertEquals(List.of(), await(meta.listVolumes()));
        await(meta.write(volume, "{\"v\":1}"));
        await(meta.write(volume, "{\"v\":2,\"dek\":\"é\"}"));
        assertEquals(Optional.of("{\"v\":2,\"dek\":\"é\"}"), await(meta.read(volume)));
        Path volumeDir = dir.resolve(volume.toString());
        Files.writeString(volumeDir.resolve(LocalFileMetadataStore.TEMP_FILE_NAME), "{\"torn");
        reopen();
        meta = local().metadata();
        assertEquals(
                Optional.of("{\"v\":2,\"dek\":\"é\"}"), await(meta.read(volume)), "a leftover temp file is ignored");
        assertEquals(List.of(volume), await(meta.listVolumes()));
        await(meta.write(volume, "{\"v\":3}"));
        assertEquals(Optional.of("{\"v\":3}"), await(meta.read(volume)));
        assertFails(UNKNOWN_VOLUME, meta.write(UUID.randomUUID(), "{}"));
        await(store.deleteVolume(volume));
        assertFalse(Files.exists(volumeDir));
        assertEquals(Optional.empty(), await(meta.read(volume)));
        assertFails(UNKNOWN_VOLUME, meta.write(volume, "{}"));
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
    void aDamagedVolumeHeaderFailsOpenWithCorrupt() throws Exception {
        await(store.close());
        Path header = dir.resolve(volume.toString()).resolve(LocalVolume.HEADER_FILE);
        byte[] bytes = Files.readAllBytes(header);
        bytes[13] ^= 1;
        Files.write(header, bytes);
        Exception e = assertThrows(Exception.class, () -> openStore(vertx, dir));
        BlockStoreException failure = assertInstanceOf(BlockStoreException.class, e);
        assertSame(BlockStoreException.Reason.CORRUPT, failure.reason());
        Files.write(
                header,
                VolumeHeaderDescriptor.encode(new VolumeHeaderDescriptor.Geometry(volume, SLOT, BLOCKS))
                        .array());
        store = openStore(vertx, dir);
    }
}
