package io.strongroom.store.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.Durability;
import io.strongroom.core.store.VolumeFault;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.SlotPattern;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Crash states built by hand from a real store's files. A "crash" is a store left without {@link BlockStore#close}
 * (its files stay as a killed process leaves them); the test then cuts or corrupts the journal and tears slots in
 * the data file the way a power loss could, and checks what recovery makes of it. Only states the write protocol
 * can produce are built: a slot is written in place only after its whole journal record was written (and synced in
 * FSYNC mode), so a slot whose record is cut off still holds its previous content.
 */
@ParameterizedClass
@EnumSource(Durability.class)
class JournalRecoveryTest {

    private static final int SLOT = 4096 + 48;
    private static final int BLOCKS = 16;
    private static final long RECORD = JournalRecordDescriptor.HEADER_LENGTH + SLOT;

    private final Durability durability;

    @TempDir
    Path dir;

    private Vertx vertx;
    private final UUID volume = UUID.randomUUID();

    JournalRecoveryTest(Durability durability) {
        this.durability = durability;
    }

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stopVertx() throws Exception {
        Await.result(vertx.close());
    }

    @Test
    void tornInPlaceSlotIsRestoredFromItsJournalRecord() throws Exception {
        BlockStore store = storeWithAllBlocksAt(1);
        for (int b = 0; b < 4; b++) {
            Await.result(store.write(volume, b, slot(b, 2)));
        }
        tearSlot(2, new Random(1));
        BlockStore recovered = open();
        assertEquals(4, LocalStats.detail(recovered, "recoveredRecords"), "the four records of the crashed round");
        assertBlocksAndClose(recovered, new long[] {2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    }

    @Test
    void cutJournalTailIsIgnoredAndItsSlotKeepsItsOldContent() throws Exception {
        BlockStore store = storeWithAllBlocksAt(1);
        for (int b = 0; b < 4; b++) {
            Await.result(store.write(volume, b, slot(b, 2)));
        }
        truncateJournal(JournalHeaderDescriptor.RECORDS_OFFSET + 3 * RECORD + RECORD / 2);
        writeSlot(3, SlotPattern.slot(SLOT, 3, 1));
        tearSlot(1, new Random(2));
        assertBlocksAndClose(open(), new long[] {2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    }

    @Test
    void corruptedRecordEndsReplay() throws Exception {
        BlockStore store = storeWithAllBlocksAt(1);
        for (int b = 0; b < 4; b++) {
            Await.result(store.write(volume, b, slot(b, 2)));
        }
        flipJournalByte(JournalHeaderDescriptor.RECORDS_OFFSET + 2 * RECORD + RECORD - 1);
        writeSlot(2, SlotPattern.slot(SLOT, 2, 1));
        writeSlot(3, SlotPattern.slot(SLOT, 3, 1));
        assertBlocksAndClose(open(), new long[] {2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
    }

    @Test
    void staleRecordsOfAnEarlierRoundAreNeverReplayed() throws Exception {
        BlockStore store = open();
        Await.result(store.createVolume(volume, SLOT, BLOCKS));
        for (int b = 0; b < 3; b++) {
            Await.result(store.write(volume, b, slot(b, 1)));
        }
        Await.result(store.close());
        // The checkpoint left three valid records (blocks 0, 1, 2 at generation 1) in the journal. The next round
        // overwrites the first two places; the third still holds block 2 at generation 1 with a correct CRC.
        store = open();
        Await.result(store.write(volume, 2, slot(2, 2)));
        Await.result(store.write(volume, 1, slot(1, 2)));
        tearSlot(2, new Random(3));
        long[] expected = filled(0);
        expected[0] = 1;
        expected[1] = 2;
        expected[2] = 2;
        assertBlocksAndClose(open(), expected);
    }

    @Test
    void tornHeaderCopyFallsBackToTheOtherCopy() throws Exception {
        BlockStore store = storeWithAllBlocksAt(1);
        Await.result(store.close());
        flipJournalByte(activeHeaderOffset() + JournalHeaderDescriptor.START_SEQUENCE_OFFSET);
        BlockStore reopened = open();
        assertBlocks(reopened, filled(1));
        Await.result(reopened.write(volume, 5, slot(5, 9)));
        Await.result(reopened.close());
        long[] expected = filled(1);
        expected[5] = 9;
        assertBlocksAndClose(open(), expected);
    }

    @Test
    void bothHeaderCopiesDamagedSetTheVolumeAsideWithCorrupt() throws Exception {
        Await.result(storeWithAllBlocksAt(1).close());
        for (long offset : JournalHeaderDescriptor.COPY_OFFSETS) {
            flipJournalByte(offset + 2);
        }
        LocalFileBlockStore reopened = Await.result(LocalFileBlockStore.open(vertx, options()));
        assertSame(
                BlockStoreException.Reason.CORRUPT,
                Await.failure(reopened.read(volume, 0, 1), BlockStoreException.class)
                        .reason());
        assertEquals(
                List.of(volume),
                reopened.volumeFaults().stream().map(VolumeFault::volumeId).toList());
        assertEquals(List.of(volume), reopened.volumes(), "listed, so the layer above still knows it");

        Await.result(reopened.deleteVolume(volume));
        assertEquals(List.of(), reopened.volumes());
        assertEquals(List.of(), reopened.volumeFaults());
        assertFalse(Files.exists(reopened.volumeDir(volume)), "a volume set aside can be deleted");
        Await.result(reopened.close());
    }

    /**
     * Model check over random crash points: runs of writes, the journal cut at a random byte, slots of complete
     * records torn at random. Expected after recovery: each block holds the image of the last complete record
     * that wrote it, or its content from before the round.
     */
    @Test
    void randomCrashPointsRecoverToOldOrNewNeverAMix() throws Exception {
        Random random = new Random(42);
        for (int iteration = 0; iteration < 12; iteration++) {
            BlockStore store = storeWithAllBlocksAt(1);
            long[] before = filled(1);
            List<long[]> records = new ArrayList<>();
            for (int w = 0; w < 6; w++) {
                int first = random.nextInt(BLOCKS);
                int count = 1 + random.nextInt(Math.min(3, BLOCKS - first));
                long generation = 10L * (iteration + 1) + w;
                Await.result(store.write(volume, first, run(first, count, generation)));
                records.add(new long[] {first, count, generation});
            }
            long roundBytes = records.stream()
                    .mapToLong(r -> JournalRecordDescriptor.HEADER_LENGTH + r[1] * SLOT)
                    .sum();
            long cut = JournalHeaderDescriptor.RECORDS_OFFSET + (long) (random.nextDouble() * roundBytes);
            long[] expected = before.clone();
            long at = JournalHeaderDescriptor.RECORDS_OFFSET;
            List<Integer> replayable = new ArrayList<>();
            for (long[] r : records) {
                at += JournalRecordDescriptor.HEADER_LENGTH + r[1] * SLOT;
                if (at > cut) {
                    break;
                }
                for (int b = (int) r[0]; b < r[0] + r[1]; b++) {
                    expected[b] = r[2];
                    replayable.add(b);
                }
            }
            truncateJournal(cut);
            for (int b = 0; b < BLOCKS; b++) {
                writeSlot(b, SlotPattern.slot(SLOT, b, expected[b]));
            }
            for (int b : replayable) {
                if (random.nextBoolean()) {
                    tearSlot(b, random);
                }
            }
            BlockStore reopened = open();
            assertBlocks(reopened, expected);
            Await.result(reopened.deleteVolume(volume));
            Await.result(reopened.close());
        }
    }

    // --- helpers -----------------------------------------------------------------------------------------

    /** A store with the volume created, every block at {@code generation}, and a checkpoint behind it. */
    private BlockStore storeWithAllBlocksAt(long generation) throws Exception {
        BlockStore store = open();
        Await.result(store.createVolume(volume, SLOT, BLOCKS));
        Await.result(store.write(volume, 0, run(0, BLOCKS, generation)));
        Await.result(store.close());
        return open();
    }

    private LocalFileBlockStoreOptions options() {
        return new LocalFileBlockStoreOptions()
                .setDataDir(dir)
                .setDurability(durability)
                .setIoThreads(2);
    }

    private BlockStore open() throws Exception {
        return Await.result(LocalFileBlockStore.open(vertx, options()));
    }

    private Path volumeFile(String name) {
        return dir.resolve(volume.toString()).resolve(name);
    }

    private long activeHeaderOffset() throws IOException {
        long best = -1;
        long offset = 0;
        try (FileChannel ch = FileChannel.open(volumeFile(Journal.FILE_NAME), StandardOpenOption.READ)) {
            for (long copy : JournalHeaderDescriptor.COPY_OFFSETS) {
                ByteBuffer h = ByteBuffer.allocate(JournalHeaderDescriptor.LENGTH);
                ch.read(h, copy);
                long start = JournalHeaderDescriptor.startSequenceIfValid(h.flip(), SLOT);
                if (start > best) {
                    best = start;
                    offset = copy;
                }
            }
        }
        return offset;
    }

    private void truncateJournal(long size) throws IOException {
        try (FileChannel ch = FileChannel.open(volumeFile(Journal.FILE_NAME), StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    private void flipJournalByte(long offset) throws IOException {
        try (FileChannel ch =
                FileChannel.open(volumeFile(Journal.FILE_NAME), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ 0x5A));
            ch.write(b.clear(), offset);
        }
    }

    private void writeSlot(long block, byte[] image) throws IOException {
        try (FileChannel ch = FileChannel.open(volumeFile(LocalVolume.DATA_FILE), StandardOpenOption.WRITE)) {
            StoreFiles.writeFully(ch, ByteBuffer.wrap(image), block * SLOT);
        }
    }

    /** A power loss in the middle of an in-place write: half a slot of garbage at a random place in it. */
    private void tearSlot(long block, Random random) throws IOException {
        byte[] garbage = new byte[SLOT / 2];
        random.nextBytes(garbage);
        int at = random.nextInt(SLOT - garbage.length);
        try (FileChannel ch = FileChannel.open(volumeFile(LocalVolume.DATA_FILE), StandardOpenOption.WRITE)) {
            StoreFiles.writeFully(ch, ByteBuffer.wrap(garbage), block * SLOT + at);
        }
    }

    /** Checks every block's generation, then closes the store. */
    private void assertBlocksAndClose(BlockStore store, long[] expected) throws Exception {
        try {
            assertBlocks(store, expected);
        } finally {
            Await.result(store.close());
        }
    }

    private void assertBlocks(BlockStore store, long[] expected) throws Exception {
        byte[] slots = Await.result(store.read(volume, 0, BLOCKS)).getBytes();
        long[] actual = new long[BLOCKS];
        for (int b = 0; b < BLOCKS; b++) {
            actual[b] = SlotPattern.generationOf(slots, b * SLOT, SLOT, b);
        }
        assertEquals(Arrays.toString(expected), Arrays.toString(actual));
    }

    private static long[] filled(long generation) {
        long[] g = new long[BLOCKS];
        Arrays.fill(g, generation);
        return g;
    }

    private static Buffer slot(long block, long generation) {
        return Buffer.buffer(SlotPattern.slot(SLOT, block, generation));
    }

    private static Buffer run(long first, int count, long generation) {
        Buffer b = Buffer.buffer(count * SLOT);
        for (int i = 0; i < count; i++) {
            b.appendBytes(SlotPattern.slot(SLOT, first + i, generation));
        }
        return b;
    }
}
