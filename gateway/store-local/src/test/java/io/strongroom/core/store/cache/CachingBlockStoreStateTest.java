package io.strongroom.core.store.cache;

import static io.strongroom.core.store.BlockStoreException.Reason.UNKNOWN_VOLUME;
import static io.strongroom.core.testkit.store.StoreAsserts.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strongroom.core.store.StorageOptions;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.SlotPattern;
import io.strongroom.store.local.LocalFileBlockStore;
import io.strongroom.store.local.LocalFileBlockStoreOptions;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the slot cache keeps per volume, seen from its own package over the local store (core has no backend to
 * test with): calls naming volumes that do not exist leave nothing behind, deletion forgets the volume.
 */
class CachingBlockStoreStateTest {

    private static final int SLOT = 4096 + 48;

    @TempDir
    Path dir;

    @Test
    void callsForUnknownVolumesLeaveNoStateAndDeletionForgetsTheVolume() {
        Vertx vertx = Vertx.vertx();
        try {
            LocalFileBlockStore local =
                    Await.result(LocalFileBlockStore.open(vertx, new LocalFileBlockStoreOptions().setDataDir(dir)));
            CachingBlockStore store = new CachingBlockStore(local, StorageOptions.DEFAULT_CACHE_BYTES);
            for (int i = 0; i < 20; i++) {
                UUID nobody = UUID.randomUUID();
                assertFails(UNKNOWN_VOLUME, store.read(nobody, 0, 1));
                assertFails(UNKNOWN_VOLUME, store.write(nobody, 0, SlotPattern.run(SLOT, 0, 1, 1)));
                assertFails(UNKNOWN_VOLUME, store.trim(nobody, 0, 1));
            }
            assertEquals(0, store.trackedVolumes());
            UUID volume = UUID.randomUUID();
            Await.result(store.createVolume(volume, SLOT, 8));
            Await.result(store.write(volume, 0, SlotPattern.run(SLOT, 0, 1, 1)));
            assertEquals(1, store.trackedVolumes());
            Await.result(store.deleteVolume(volume));
            assertEquals(0, store.trackedVolumes());
            Await.result(store.close());
        } finally {
            Await.result(vertx.close());
        }
    }
}
