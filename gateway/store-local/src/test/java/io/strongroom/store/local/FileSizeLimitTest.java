package io.strongroom.store.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.Durability;
import io.strongroom.core.store.VolumeFault;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.SlotPattern;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Volumes against the largest file a real file system holds: an 8 MiB ext4 image with 4 KiB blocks on a loop device,
 * whose limit is 16 TiB per file (a tmpfs has no limit a volume can reach: its files may be as large as a volume's
 * geometry allows). A 16 TiB volume of 8 KiB blocks needs 2^31 slots of 8240 bytes, past the limit.
 */
class FileSizeLimitTest {
    private static final int SLOT = 8192 + 48;
    private static final long SIXTEEN_TIB_OF_BLOCKS = 1L << 31;
    private static final long EXT4_LIMIT = 16L << 40;

    @TempDir
    Path dir;

    @RegisterExtension
    final MountedStores mounts = new MountedStores();

    private Path ext4;

    @BeforeEach
    void mountExt4() throws Exception {
        ext4 = dir.resolve("ext4");
        mounts.ext4(dir.resolve("ext4.img"), 8, ext4);
    }

    private LocalFileBlockStore open(Path dataDir) {
        return mounts.open(new LocalFileBlockStoreOptions().setDataDir(dataDir).setDurability(Durability.FSYNC));
    }

    @Test
    void aVolumeLargerThanTheFileSystemHoldsIsRefusedAtCreation() {
        LocalFileBlockStore store = open(ext4.resolve("store"));
        UUID big = UUID.randomUUID();
        BlockStoreException refused =
                Await.failure(store.createVolume(big, SLOT, SIXTEEN_TIB_OF_BLOCKS), BlockStoreException.class);
        assertEquals(BlockStoreException.Reason.INVALID_ARGUMENT, refused.reason(), refused.getMessage());
        assertTrue(refused.getMessage().contains("file size limit"), refused.getMessage());
        assertEquals(List.of(), store.volumes());
        assertFalse(Files.exists(store.volumeDir(big)), "nothing left of the refused volume");

        // The largest volume the limit allows is accepted, and its last block can be written and read.
        UUID largest = UUID.randomUUID();
        long blocks = (EXT4_LIMIT - 4096) / SLOT;
        Await.result(store.createVolume(largest, SLOT, blocks));
        Await.result(store.write(largest, blocks - 1, SlotPattern.run(SLOT, blocks - 1, 1, 3)));
        byte[] back = Await.result(store.read(largest, blocks - 1, 1)).getBytes();
        assertEquals(3, SlotPattern.generationOf(back, 0, SLOT, blocks - 1));
        Await.result(store.close());
    }

    /**
     * A volume created too large before creation checked the limit (made on a tmpfs here and copied onto the ext4
     * image, as an operator moving a data directory would): a write past the limit fails, is never acknowledged, its
     * journal record is never replayed, so the store starts again and the block reads as before. The other volume
     * keeps serving throughout.
     */
    @Test
    void aWriteThatFailsIsNeitherAcknowledgedNorReplayedAndStopsOnlyItsVolume() throws Exception {
        Path tmpfs = dir.resolve("tmpfs");
        Files.createDirectories(tmpfs);
        Mounts.tmpfs(tmpfs, "4m");
        UUID big = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        long last = SIXTEEN_TIB_OF_BLOCKS - 1;
        try {
            LocalFileBlockStore made = open(tmpfs);
            Await.result(made.createVolume(big, SLOT, SIXTEEN_TIB_OF_BLOCKS));
            Await.result(made.createVolume(other, SLOT, 16));
            Await.result(made.write(big, 0, SlotPattern.run(SLOT, 0, 1, 1)));
            Await.result(made.close());
            Files.createDirectories(ext4.resolve("store"));
            Mounts.copySparse(tmpfs.resolve(big.toString()), ext4.resolve("store"));
            Mounts.copySparse(tmpfs.resolve(other.toString()), ext4.resolve("store"));
        } finally {
            Mounts.unmount(tmpfs);
        }
        Path dataFile = ext4.resolve("store").resolve(big.toString()).resolve(LocalVolume.DATA_FILE);
        long lengthBefore = Files.size(dataFile);

        LocalFileBlockStore store = open(ext4.resolve("store"));
        BlockStoreException failed =
                Await.failure(store.write(big, last, SlotPattern.run(SLOT, last, 1, 2)), BlockStoreException.class);
        assertEquals(BlockStoreException.Reason.IO_ERROR, failed.reason(), failed.getMessage());
        List<VolumeFault> faults = store.volumeFaults();
        assertEquals(1, faults.size(), faults.toString());
        assertEquals(big, faults.get(0).volumeId());
        assertEquals(VolumeFault.State.STOPPED, faults.get(0).state());
        assertTrue(
                faults.get(0).cause().contains("File too large"), faults.get(0).cause());
        assertEquals(
                BlockStoreException.Reason.IO_ERROR,
                Await.failure(store.write(big, 1, SlotPattern.run(SLOT, 1, 1, 2)), BlockStoreException.class)
                        .reason(),
                "a stopped volume refuses later writes");
        assertEquals(lengthBefore, Files.size(dataFile), "the failed write's bytes are cut off again");

        Await.result(store.write(other, 3, SlotPattern.run(SLOT, 3, 1, 5)));
        assertEquals(5, generation(store, other, 3), "the other volume keeps serving");
        assertEquals(1, generation(store, big, 0), "the stopped volume's acknowledged blocks still read");
        Await.result(store.close().transform(ar -> Future.succeededFuture()));

        LocalFileBlockStore reopened = open(ext4.resolve("store"));
        assertEquals(List.of(), reopened.volumeFaults());
        assertEquals(0, LocalStats.detail(reopened, "recoveredRecords"), "the failed write is not replayed");
        assertEquals(SlotPattern.ZEROS, generation(reopened, big, last), "the failed write left no trace");
        assertEquals(1, generation(reopened, big, 0));
        assertEquals(5, generation(reopened, other, 3));
        Await.result(reopened.write(big, 1, SlotPattern.run(SLOT, 1, 1, 4)));
        assertEquals(4, generation(reopened, big, 1));
        Await.result(reopened.close());
    }

    private static long generation(LocalFileBlockStore store, UUID volume, long block) {
        return SlotPattern.generationOf(
                Await.result(store.read(volume, block, 1)).getBytes(), 0, SLOT, block);
    }
}
