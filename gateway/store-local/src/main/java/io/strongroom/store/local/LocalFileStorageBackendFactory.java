package io.strongroom.store.local;

import io.strongroom.core.store.StorageBackend;
import io.strongroom.core.store.StorageBackendFactory;
import io.strongroom.core.store.StorageOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The {@code local} backend for {@link java.util.ServiceLoader}: local files under the storage data directory. */
public final class LocalFileStorageBackendFactory implements StorageBackendFactory {

    public static final String NAME = "local";

    @Override
    public String name() {
        return NAME;
    }

    /** Opens the local store under {@code options.getDataDir()}; the slot cache is added by the caller. */
    @Override
    public Future<StorageBackend> open(Vertx vertx, StorageOptions options) {
        LocalFileBlockStoreOptions local = new LocalFileBlockStoreOptions()
                .setDataDir(options.getDataDir())
                .setDurability(options.getDurability())
                .setMaxPendingWrites(options.getMaxPendingWrites())
                .setMaxRequestBytes(options.getMaxRequestBytes());
        return LocalFileStorageBackend.open(vertx, local).map(backend -> backend);
    }
}
