package io.strongroom.store.local;

import static io.strongroom.store.local.LocalStats.detail;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strongroom.core.store.Durability;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.SlotPattern;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FUA writes in NONE durability, where plain writes are acknowledged from the page cache: a FUA write is
 * acknowledged only after one fdatasync of the journal that holds its record (no data-file sync, unlike a flush),
 * that record then repairs the slot after a power loss, and a checkpoint never drops such a record before the data
 * file is durable. A power loss is built by hand from the files, keeping only what was synced (as
 * {@link JournalRecoveryTest} does); the sync counters show which syncs really happened before each
 * acknowledgement. The SIGKILL half (FUA writes among the crash writer's operations) is {@link CrashAtomicityTest}.
 */
class FuaDurabilityTest {

    private static final int SLOT = 4096 + 48;
    private static final int BLOCKS = 16;
    private static final long RECORD = JournalRecordDescriptor.HEADER_LENGTH + SLOT;

    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();
    private final UUID volume = UUID.randomUUID();

    @AfterEach
    void closeVertx() {
        Await.result(vertx.close());
    }

    private LocalFileBlockStore open(Durability durability, long checkpointBytes) {
        return Await.result(LocalFileBlockStore.open(
                vertx,
                new LocalFileBlockStoreOptions()
                        .setDataDir(dir)
                        .setDurability(durability)
                        .setCheckpointBytes(checkpointBytes)));
    }

    @Test
    void aFuaWriteAndAFlushCostOneJournalSyncEach() {
        LocalFileBlockStore store = open(Durability.NONE, LocalFileBlockStoreOptions.DEFAULT_CHECKPOINT_BYTES);
        try {
            Await.result(store.createVolume(volume, SLOT, BLOCKS));
            Await.result(store.write(volume, 0, slot(0, 1)));
            assertEquals(0, detail(store, "journalSyncs"), "a plain write in none mode syncs nothing");
            Await.result(store.write(volume, 1, slot(1, 1), true));
            assertEquals(1, detail(store, "journalSyncs"), "the FUA write was acknowledged after a journal sync");
            assertEquals(0, detail(store, "dataSyncs"));
            Await.result(store.flush(volume));
            assertEquals(2, detail(store, "journalSyncs"));
            assertEquals(0, detail(store, "dataSyncs"), "the journal round holds every write since the last data sync");
        } finally {
            Await.result(store.close());
        }
    }

    @Test
    void inFsyncModeAFuaWriteCostsNothingMore() {
        LocalFileBlockStore store = open(Durability.FSYNC, LocalFileBlockStoreOptions.DEFAULT_CHECKPOINT_BYTES);
        try {
            Await.result(store.createVolume(volume, SLOT, BLOCKS));
            Await.result(store.write(volume, 0, slot(0, 1), true));
            assertEquals(1, detail(store, "journalSyncs"));
            assertEquals(0, detail(store, "dataSyncs"));
        } finally {
            Await.result(store.close());
        }
    }

    @Test
    void aFuaWriteSurvivesAPowerLossThatKeepsOnlyWhatWasSynced() throws IOException {
        LocalFileBlockStore store = open(Durability.NONE, LocalFileBlockStoreOptions.DEFAULT_CHECKPOINT_BYTES);
        Await.result(store.createVolume(volume, SLOT, BLOCKS));
        Await.result(store.close());
        store = open(Durability.NONE, LocalFileBlockStoreOptions.DEFAULT_CHECKPOINT_BYTES);
        Await.result(store.write(volume, 0, slot(0, 2), true));
        assertEquals(1, detail(store, "journalSyncs"), "synced: the round's first record, the FUA write's");
        Await.result(store.write(volume, 1, slot(1, 3)));
        assertEquals(1, detail(store, "journalSyncs"), "the plain write after it was not synced");
        // Power loss, the store never closed: the journal keeps its synced part only, the in-place slots are torn.
        truncateJournal(JournalHeaderDescriptor.RECORDS_OFFSET + RECORD);
        tearSlot(0);
        tearSlot(1);
        LocalFileBlockStore recovered = open(Durability.NONE, LocalFileBlockStoreOptions.DEFAULT_CHECKPOINT_BYTES);
        try {
            assertEquals(1, detail(recovered, "recoveredRecords"));
            byte[] slots = Await.result(recovered.read(volume, 0, 2)).getBytes();
            assertEquals(2, SlotPattern.generationOf(slots, 0, SLOT, 0), "the FUA write came back whole");
            assertEquals(
                    SlotPattern.TORN,
                    SlotPattern.generationOf(slots, SLOT, SLOT, 1),
                    "the plain write's slot is as the power loss left it: none mode promised nothing for it");
        } finally {
            Await.result(recovered.close());
        }
    }

    @Test
    void writesBeforeAFlushSurviveAPowerLossThatKeepsOnlyWhatWasSynced() throws IOException {
        LocalFileBlockStore store = open(Durability.NONE, LocalFileBlockStoreOptions.DEFAULT_CHECKPOINT_BYTES);
        Await.result(store.createVolume(volume, SLOT, BLOCKS));
        Await.result(store.close());
        store = open(Durability.NONE, LocalFileBlockStoreOptions.DEFAULT_CHECKPOINT_BYTES);
        Await.result(store.write(volume, 0, slot(0, 4)));
        Await.result(store.write(volume, 1, slot(1, 5)));
        Await.result(store.flush(volume));
        assertEquals(1, detail(store, "journalSyncs"), "the flush synced the journal");
        assertEquals(0, detail(store, "dataSyncs"), "and only the journal");
        // Power loss, the store never closed: the journal keeps its synced records, both in-place slots are torn.
        truncateJournal(JournalHeaderDescriptor.RECORDS_OFFSET + 2 * RECORD);
        tearSlot(0);
        tearSlot(1);
        LocalFileBlockStore recovered = open(Durability.NONE, LocalFileBlockStoreOptions.DEFAULT_CHECKPOINT_BYTES);
        try {
            assertEquals(2, detail(recovered, "recoveredRecords"));
            byte[] slots = Await.result(recovered.read(volume, 0, 2)).getBytes();
            assertEquals(4, SlotPattern.generationOf(slots, 0, SLOT, 0), "flushed write 1 came back whole");
            assertEquals(5, SlotPattern.generationOf(slots, SLOT, SLOT, 1), "flushed write 2 came back whole");
        } finally {
            Await.result(recovered.close());
        }
    }

    @Test
    void aCheckpointNeverDropsARoundBeforeTheDataFileIsDurable() {
        LocalFileBlockStore store = open(Durability.NONE, 2 * RECORD);
        try {
            Await.result(store.createVolume(volume, SLOT, BLOCKS));
            Await.result(store.write(volume, 0, slot(0, 1), true));
            Await.result(store.write(volume, 1, slot(1, 1)));
            assertEquals(1, detail(store, "checkpoints"), "two records filled the round");
            assertEquals(1, detail(store, "dataSyncs"), "data synced before the round's records were dropped");
            Await.result(store.write(volume, 2, slot(2, 1)));
            Await.result(store.write(volume, 3, slot(3, 1)));
            assertEquals(2, detail(store, "checkpoints"));
            assertEquals(
                    2,
                    detail(store, "dataSyncs"),
                    "a round of plain writes too: a later flush syncs the journal only, so it must hold every write"
                            + " since the last data sync");
        } finally {
            Await.result(store.close());
        }
    }

    private static Buffer slot(long block, long generation) {
        return SlotPattern.run(SLOT, block, 1, generation);
    }

    private Path volumeFile(String name) {
        return dir.resolve(volume.toString()).resolve(name);
    }

    private void truncateJournal(long size) throws IOException {
        try (FileChannel ch = FileChannel.open(volumeFile(Journal.FILE_NAME), StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    /** Half a slot of a fixed garbage pattern written over the slot's middle. */
    private void tearSlot(long block) throws IOException {
        byte[] garbage = new byte[SLOT / 2];
        Arrays.fill(garbage, (byte) 0x5A);
        try (FileChannel ch = FileChannel.open(volumeFile(LocalVolume.DATA_FILE), StandardOpenOption.WRITE)) {
            StoreFiles.writeFully(ch, ByteBuffer.wrap(garbage), block * SLOT + SLOT / 4);
        }
    }
}
