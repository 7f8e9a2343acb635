package io.strongroom.store.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.Durability;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.SlotPattern;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file system that fills up under the store: a real 4 MiB tmpfs, mounted for the test (the suite runs as root, as
 * its CI does; the loop-device and FUSE tests of the integration module need root too). The write that finds the
 * disk full fails with {@code NO_SPACE} (the HTTP frontend's 507, NBD's ENOSPC), not as a generic I/O error, and
 * every write acknowledged before it reads back.
 */
class DiskFullTest {
    private static final int SLOT = 8192 + 48;
    private static final long BLOCKS = 4096; // 33 MiB of slots: far more than the file system holds

    @TempDir
    Path dir;

    private Vertx vertx;
    private boolean mounted;

    @BeforeEach
    void mountSmallFileSystem() throws Exception {
        run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", dir.toString());
        mounted = true;
        vertx = Vertx.vertx();
    }

    @AfterEach
    void unmount() throws Exception {
        if (vertx != null) {
            Await.result(vertx.close());
        }
        if (mounted) {
            run("umount", dir.toString());
        }
    }

    @Test
    void aFullFileSystemIsReportedAsNoSpaceAndAcknowledgedWritesSurvive() {
        LocalFileBlockStore store = Await.result(LocalFileBlockStore.open(
                vertx, new LocalFileBlockStoreOptions().setDataDir(dir).setDurability(Durability.FSYNC)));
        UUID volume = UUID.randomUUID();
        Await.result(store.createVolume(volume, SLOT, BLOCKS));

        long acknowledged = 0;
        Throwable failure = null;
        for (long block = 0; block < BLOCKS && failure == null; block++) {
            AsyncResult<Void> outcome = Await.result(store.write(volume, block, SlotPattern.run(SLOT, block, 1, 1))
                    .transform(ar -> Future.succeededFuture(ar)));
            if (outcome.succeeded()) {
                acknowledged++;
            } else {
                failure = outcome.cause();
            }
        }

        assertTrue(failure != null, "4 MiB cannot hold " + BLOCKS + " slots, yet every write was acknowledged");
        BlockStoreException noSpace = assertInstanceOf(BlockStoreException.class, failure);
        assertEquals(BlockStoreException.Reason.NO_SPACE, noSpace.reason(), noSpace.getMessage());
        assertTrue(acknowledged > 0, "the file system had room for some writes");
        for (long block = 0; block < acknowledged; block++) {
            byte[] back = Await.result(store.read(volume, block, 1)).getBytes();
            assertEquals(1, SlotPattern.generationOf(back, 0, SLOT, block), "block " + block);
        }
        // The stopped volume's close reports the original failure; its files are released either way.
        Await.result(store.close().transform(ar -> Future.succeededFuture()));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        int exit = p.waitFor();
        if (exit != 0) {
            throw new IOException(String.join(" ", command) + " exited " + exit
                    + " (this test mounts a tmpfs: it needs root, as CI has): " + output.strip());
        }
    }
}
