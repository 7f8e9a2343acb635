package io.strongroom.core.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Opens one kind of storage backend. Implementations are found by {@link java.util.ServiceLoader} (a line in
 * {@code META-INF/services/io.strongroom.core.store.StorageBackendFactory}), so the composition root chooses a
 * backend by name from configuration and never names a backend class. The local-file backend is {@code local}.
 */
public interface StorageBackendFactory {

    /** The name configuration uses ({@code storage.backend}): lower case, unique on the class path. */
    String name();

    /**
     * Opens the backend with {@code options} (the backend reads the settings it understands, ignores the slot
     * cache, which {@link StorageBackends#open} adds, and fails the future with IllegalArgumentException naming
     * a setting it cannot use), recovering whatever a crash left before the future completes.
     */
    Future<StorageBackend> open(Vertx vertx, StorageOptions options);
}
