package io.strongroom.store.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.store.Durability;
import io.strongroom.core.store.StorageBackend;
import io.strongroom.core.store.StorageBackends;
import io.strongroom.core.store.StorageOptions;
import io.strongroom.core.store.cache.CachingBlockStore;
import io.strongroom.core.testkit.Await;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local backend found by name through {@link StorageBackends}, as the server and the embedding API open it. */
class StorageBackendsTest {

    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() {
        Await.result(vertx.close());
    }

    @Test
    void theLocalBackendIsFoundByNameAndIsTheDefault() {
        assertEquals(List.of(LocalFileStorageBackendFactory.NAME), StorageBackends.names());
        assertEquals(LocalFileStorageBackendFactory.NAME, StorageOptions.DEFAULT_BACKEND);
    }

    @Test
    void itOpensBehindTheSlotCacheWithItsSettingsAndItsMetadata() {
        StorageBackend backend = Await.result(StorageBackends.open(
                vertx,
                new StorageOptions()
                        .setDataDir(dir)
                        .setDurability(Durability.NONE)
                        .setMaxPendingWrites(7)
                        .setMaxRequestBytes(65536)));
        try {
            assertInstanceOf(CachingBlockStore.class, backend.blocks());
            assertEquals(7, backend.blocks().maxPendingWrites());
            assertEquals(65536, backend.blocks().maxRequestBytes());
            UUID volume = UUID.randomUUID();
            Await.result(backend.blocks().createVolume(volume, 4096 + 48, 8));
            Await.result(backend.metadata().write(volume, "{\"v\":1}"));
            assertTrue(Files.isRegularFile(dir.resolve(volume.toString()).resolve("metadata.json")));
            assertEquals(
                    Optional.of("{\"v\":1}"), Await.result(backend.metadata().read(volume)));
        } finally {
            Await.result(backend.close());
        }
    }

    @Test
    void anUnknownNameFailsListingTheKnownOnes() {
        IllegalArgumentException e = Await.failure(
                StorageBackends.open(
                        vertx, new StorageOptions().setBackend("ceph").setDataDir(dir)),
                IllegalArgumentException.class);
        assertEquals("unknown storage backend 'ceph' (known: local)", e.getMessage());
    }

    @Test
    void settingsNoBackendCouldUseAreRefusedBeforeOpening() {
        IllegalArgumentException noDir = Await.failure(
                StorageBackends.open(vertx, new StorageOptions().setCacheBytes(0)), IllegalArgumentException.class);
        assertEquals("store dataDir is required", noDir.getMessage());
        IllegalArgumentException badCache = Await.failure(
                StorageBackends.open(vertx, new StorageOptions().setDataDir(dir).setCacheBytes(-1)),
                IllegalArgumentException.class);
        assertEquals("storage cacheBytes must be 0 (off) or positive, not -1", badCache.getMessage());
    }
}
