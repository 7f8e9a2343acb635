package io.strongroom.store.ceph;

import io.strongroom.core.store.MetadataStore;
import io.strongroom.core.store.StorageBackend;
import io.strongroom.core.store.StorageOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The Ceph backend opened: one librados connection to the configured pool (and namespace), a
 * {@link CephBlockStore} over it and the {@link MetadataStore} of the volumes' documents, closed together.
 */
public final class CephStorageBackend implements StorageBackend {

    /** librados calls in flight at once: the queue depth the backend offers the cluster. */
    public static final int WORKER_THREADS = 32;

    private final CephBlockStore blocks;
    private final CephMetadataStore metadata;

    private CephStorageBackend(CephBlockStore blocks) {
        this.blocks = blocks;
        this.metadata = new CephMetadataStore(blocks);
    }

    /**
     * Connects to the cluster of {@code options.getCephConf()} (on a worker thread: connecting blocks) and opens the
     * store over {@code options.getCephPool()} and {@code options.getCephNamespace()}, with writer leases of
     * {@code options.getCephLeaseSeconds()}. Fails with
     * IllegalArgumentException when a setting is missing, IllegalStateException when librados is not installed or the
     * cluster or pool cannot be reached.
     */
    public static Future<CephStorageBackend> open(Vertx vertx, StorageOptions options) {
        if (options.getCephConf() == null) {
            return Future.failedFuture(new IllegalArgumentException(
                    "the ceph storage backend needs storage.ceph.conf (a ceph.conf path)"));
        }
        return vertx.<Rados>executeBlocking(() -> {
                    try {
                        return Rados.connect(options.getCephConf(), options.getCephPool(), options.getCephNamespace());
                    } catch (UnsatisfiedLinkError e) {
                        throw new IllegalStateException(
                                "librados (" + Librados.SONAME + ") cannot be loaded: install librados2", e);
                    } catch (RadosException e) {
                        throw new IllegalStateException(
                                "cannot reach pool '" + options.getCephPool() + "' of the Ceph cluster of "
                                        + options.getCephConf() + ": " + e.getMessage(),
                                e);
                    }
                })
                .map(rados -> new CephStorageBackend(
                        new CephBlockStore(vertx, rados, options, WORKER_THREADS, options.getCephLeaseSeconds())));
    }

    @Override
    public CephBlockStore blocks() {
        return blocks;
    }

    @Override
    public MetadataStore metadata() {
        return metadata;
    }

    @Override
    public Future<Void> close() {
        return blocks.close();
    }
}
