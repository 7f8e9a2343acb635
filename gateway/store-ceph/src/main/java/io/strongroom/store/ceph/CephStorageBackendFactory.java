package io.strongroom.store.ceph;

import io.strongroom.core.store.StorageBackend;
import io.strongroom.core.store.StorageBackendFactory;
import io.strongroom.core.store.StorageOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The {@code ceph} backend for {@link java.util.ServiceLoader}: volumes as RADOS objects in a Ceph pool. */
public final class CephStorageBackendFactory implements StorageBackendFactory {

    public static final String NAME = "ceph";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Future<StorageBackend> open(Vertx vertx, StorageOptions options) {
        return CephStorageBackend.open(vertx, options).map(backend -> backend);
    }
}
