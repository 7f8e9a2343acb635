package io.strongroom.store.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.Durability;
import io.strongroom.core.store.VolumeFault;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.SlotPattern;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file system that fills up under the store: a real 4 MiB tmpfs, mounted for the test (the suite runs as root, as
 * its CI does). The write that finds the disk full fails with {@code NO_SPACE} (the HTTP frontend's 507, NBD's
 * ENOSPC), not as a generic I/O error; the volume keeps serving reads, and its writes resume by themselves once space
 * is freed; the store starts on a full file system; no acknowledged write is lost.
 */
class DiskFullTest {
    private static final int SLOT = 8192 + 48;
    private static final long BLOCKS = 4096; // 33 MiB of slots: far more than the file system holds

    @TempDir
    Path dir;

    @RegisterExtension
    final MountedStores mounts = new MountedStores();

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        mounts.tmpfs(dir, "4m");
    }

    private LocalFileBlockStore open(Durability durability) {
        return mounts.open(new LocalFileBlockStoreOptions()
                .setDataDir(dir.resolve("store"))
                .setDurability(durability)
                .setNoSpaceRetry(Duration.ofMillis(20)));
    }

    @Test
    void aFullFileSystemIsReportedAsNoSpaceAndAcknowledgedWritesSurvive() {
        LocalFileBlockStore store = open(Durability.FSYNC);
        UUID volume = UUID.randomUUID();
        Await.result(store.createVolume(volume, SLOT, BLOCKS));

        long acknowledged = fill(store, volume, 1);

        assertTrue(acknowledged > 0, "the file system had room for some writes");
        assertBlocks(store, volume, acknowledged, 1);
        List<VolumeFault> faults = store.volumeFaults();
        assertEquals(1, faults.size(), faults.toString());
        assertEquals(VolumeFault.State.NO_SPACE, faults.get(0).state());
        assertEquals(volume, faults.get(0).volumeId());
    }

    /**
     * Fails without the retry: writes stayed refused until a restart. Another volume on the same full file system
     * keeps serving its reads.
     */
    @Test
    void writesResumeByThemselvesOnceSpaceIsFreed() throws Exception {
        Path filler = dir.resolve("filler");
        Files.write(filler, new byte[1024 * 1024]);
        LocalFileBlockStore store = open(Durability.FSYNC);
        UUID volume = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        Await.result(store.createVolume(volume, SLOT, BLOCKS));
        Await.result(store.createVolume(other, SLOT, 4));
        Await.result(store.write(other, 0, SlotPattern.run(SLOT, 0, 4, 9)));

        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.INFO.intValue()) {
                    logged.add(record);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger committerLog = Logger.getLogger(GroupCommitter.class.getName());
        committerLog.addHandler(handler);
        try {
            long acknowledged = fill(store, volume, 1);
            for (int i = 0; i < 20; i++) {
                assertEquals(
                        BlockStoreException.Reason.NO_SPACE,
                        Await.failure(
                                        store.write(volume, acknowledged, slot(acknowledged, 1)),
                                        BlockStoreException.class)
                                .reason(),
                        "writes are refused while the file system is full");
            }
            assertEquals(1, logged.size(), "one line for the volume's change of state, not one per write");
            assertEquals(Level.WARNING, logged.get(0).getLevel());
            assertBlocks(store, volume, acknowledged, 1);
            assertBlocks(store, other, 4, 9);

            Files.delete(filler);
            resumeAndCheck(store, volume, other, acknowledged);
            assertEquals(2, logged.size(), "one more line when writes resume");
        } finally {
            committerLog.removeHandler(handler);
        }
    }

    private void resumeAndCheck(LocalFileBlockStore store, UUID volume, UUID other, long acknowledged) {
        long next = acknowledged;
        await().atMost(Duration.ofSeconds(Await.DEFAULT_TIMEOUT_SECONDS))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> Await.result(store.write(volume, next, slot(next, 1))
                        .transform(ar -> Future.succeededFuture(ar.succeeded()))));
        assertEquals(List.of(), store.volumeFaults(), "the volume is served again");
        for (long block = next + 1; block < next + 16; block++) {
            Await.result(store.write(volume, block, slot(block, 1)));
        }
        assertBlocks(store, volume, next + 16, 1);
        Await.result(store.close());

        LocalFileBlockStore reopened = open(Durability.FSYNC);
        assertBlocks(reopened, volume, next + 16, 1);
        assertBlocks(reopened, other, 4, 9);
    }

    /**
     * A gateway killed while its disk is full (the store abandoned without a close, so its journal round is replayed)
     * starts on the still full file system: the volume opens, reads are served, writes are refused until space is
     * freed, then resume. The journal is grown first (writes of one block), so that the disk fills on an in-place
     * write whose journal record is complete. Fails without withdrawing that record: replaying it needed space the
     * file system did not have, and the volume (before: the whole store) did not open.
     */
    @Test
    void theStoreStartsOnAFullFileSystemServesReadsAndWritesOnceSpaceIsFreed() throws Exception {
        Path reserve = dir.resolve("reserve");
        Files.write(reserve, new byte[1024 * 1024]);
        LocalFileBlockStore first = open(Durability.NONE);
        UUID volume = UUID.randomUUID();
        Await.result(first.createVolume(volume, SLOT, BLOCKS));
        for (int i = 0; i < 200; i++) {
            Await.result(first.write(volume, 0, slot(0, 1)));
        }
        Await.result(first.close());
        LocalFileBlockStore abandoned = open(Durability.NONE);
        long acknowledged = fill(abandoned, volume, 1);
        Path filler = dir.resolve("filler");
        fillFileSystem(filler);

        LocalFileBlockStore reopened = open(Durability.NONE);
        assertEquals(List.of(), reopened.volumeFaults());
        assertBlocks(reopened, volume, acknowledged, 1);
        assertEquals(
                BlockStoreException.Reason.NO_SPACE,
                Await.failure(reopened.write(volume, acknowledged, slot(acknowledged, 1)), BlockStoreException.class)
                        .reason());
        Files.delete(filler);
        Files.delete(reserve);
        await().atMost(Duration.ofSeconds(Await.DEFAULT_TIMEOUT_SECONDS))
                .pollInterval(Duration.ofMillis(10))
                .until(() -> Await.result(reopened.write(volume, acknowledged, slot(acknowledged, 2))
                        .transform(ar -> Future.succeededFuture(ar.succeeded()))));
        assertBlocks(reopened, volume, acknowledged, 1);
        assertEquals(
                2,
                SlotPattern.generationOf(
                        Await.result(reopened.read(volume, acknowledged, 1)).getBytes(), 0, SLOT, acknowledged));
    }

    /** Writes blocks 0, 1, ... until the file system is full; returns how many were acknowledged. */
    private static long fill(LocalFileBlockStore store, UUID volume, long generation) {
        for (long block = 0; block < BLOCKS; block++) {
            AsyncResult<Void> outcome = Await.result(
                    store.write(volume, block, slot(block, generation)).transform(Future::succeededFuture));
            if (outcome.failed()) {
                BlockStoreException noSpace = assertInstanceOf(BlockStoreException.class, outcome.cause());
                assertEquals(BlockStoreException.Reason.NO_SPACE, noSpace.reason(), noSpace.getMessage());
                return block;
            }
        }
        throw new AssertionError("4 MiB cannot hold " + BLOCKS + " slots, yet every write was acknowledged");
    }

    /** Takes every byte left on the file system. */
    private static void fillFileSystem(Path filler) throws IOException {
        byte[] page = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(page);
                out.flush();
            }
        } catch (IOException full) {
            assertTrue(GroupCommitter.noSpace(full), full.toString());
        }
    }

    private static io.vertx.core.buffer.Buffer slot(long block, long generation) {
        return SlotPattern.run(SLOT, block, 1, generation);
    }

    private static void assertBlocks(LocalFileBlockStore store, UUID volume, long count, long generation) {
        for (long block = 0; block < count; block++) {
            byte[] back = Await.result(store.read(volume, block, 1)).getBytes();
            assertEquals(generation, SlotPattern.generationOf(back, 0, SLOT, block), "block " + block);
        }
    }
}
