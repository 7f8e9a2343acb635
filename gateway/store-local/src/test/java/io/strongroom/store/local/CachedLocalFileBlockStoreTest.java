package io.strongroom.store.local;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.Durability;
import io.strongroom.core.store.StorageOptions;
import io.strongroom.core.store.cache.CachingBlockStore;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.BlockStoreContract;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The store contract through the slot cache ({@link CachingBlockStore}) over the local-file store, as the gateway
 * runs it: both durability modes with the default cache, and a cache of ten slots, where eviction runs all the
 * time. The cache's own behaviour is {@link SlotCacheTest}.
 */
@ParameterizedClass
@MethodSource("configurations")
class CachedLocalFileBlockStoreTest extends BlockStoreContract {

    private final Durability durability;
    private final long cacheBytes;

    @TempDir
    Path dir;

    CachedLocalFileBlockStoreTest(Durability durability, long cacheBytes) {
        this.durability = durability;
        this.cacheBytes = cacheBytes;
    }

    static Stream<Arguments> configurations() {
        return Stream.of(
                Arguments.of(Durability.FSYNC, StorageOptions.DEFAULT_CACHE_BYTES),
                Arguments.of(Durability.NONE, StorageOptions.DEFAULT_CACHE_BYTES),
                Arguments.of(Durability.NONE, 10L * (SLOT + 96)));
    }

    @Override
    protected BlockStore openStore(Vertx vertx) {
        LocalFileBlockStore local = Await.result(LocalFileBlockStore.open(
                vertx, new LocalFileBlockStoreOptions().setDataDir(dir).setDurability(durability)));
        return new CachingBlockStore(local, cacheBytes);
    }
}
