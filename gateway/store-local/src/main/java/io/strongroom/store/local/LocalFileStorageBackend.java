package io.strongroom.store.local;

import io.strongroom.core.store.MetadataStore;
import io.strongroom.core.store.StorageBackend;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The local-file backend opened: a {@link LocalFileBlockStore} and the {@link MetadataStore} keeping each volume's
 * document in the volume's directory. The composition root gets it by name ({@code local}) through
 * {@link io.strongroom.core.store.StorageBackends}; tests of the backend itself open it here.
 */
public final class LocalFileStorageBackend implements StorageBackend {

    private final LocalFileBlockStore blocks;

    private LocalFileStorageBackend(LocalFileBlockStore blocks) {
        this.blocks = blocks;
    }

    /** Opens the store under {@code options.getDataDir()}, recovering every volume before the future completes. */
    public static Future<LocalFileStorageBackend> open(Vertx vertx, LocalFileBlockStoreOptions options) {
        return LocalFileBlockStore.open(vertx, options).map(LocalFileStorageBackend::new);
    }

    @Override
    public LocalFileBlockStore blocks() {
        return blocks;
    }

    @Override
    public MetadataStore metadata() {
        return blocks.metadata();
    }

    /** Closes the block store, which owns the metadata files too. */
    @Override
    public Future<Void> close() {
        return blocks.close();
    }
}
