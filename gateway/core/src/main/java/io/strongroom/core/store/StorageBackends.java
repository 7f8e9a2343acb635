package io.strongroom.core.store;

import io.strongroom.core.store.cache.CachingBlockStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The storage backends on the class path ({@link StorageBackendFactory} implementations registered for
 * {@link ServiceLoader}), and the one way to open one by name, so that the server and the embedding API choose a
 * backend from configuration alone.
 */
public final class StorageBackends {

    private StorageBackends() {}

    /** The names of the backends on the class path, sorted. */
    public static List<String> names() {
        return new ArrayList<>(factories().keySet());
    }

    /** The line an unknown backend name is reported with: it lists the names that would work. */
    public static String unknownBackendMessage(String name) {
        return "unknown storage backend '" + name + "' (known: " + String.join(", ", names()) + ")";
    }

    /**
     * Opens the backend {@code options} names, its blocks behind a slot cache of {@code options.getCacheBytes()}
     * ({@link CachingBlockStore}; none when 0). Fails with IllegalArgumentException for an unknown name (listing the
     * known ones) or a setting the backend cannot use.
     */
    public static Future<StorageBackend> open(Vertx vertx, StorageOptions options) {
        StorageOptions copy = new StorageOptions(options);
        StorageBackendFactory factory;
        try {
            copy.validate();
            factory = factories().get(copy.getBackend());
        } catch (IllegalArgumentException | IllegalStateException e) {
            return Future.failedFuture(e);
        }
        if (factory == null) {
            return Future.failedFuture(new IllegalArgumentException(unknownBackendMessage(copy.getBackend())));
        }
        long cacheBytes = copy.getCacheBytes();
        return factory.open(vertx, copy)
                .map(backend -> cacheBytes == 0 ? backend : CachingBlockStore.over(backend, cacheBytes));
    }

    private static Map<String, StorageBackendFactory> factories() {
        Map<String, StorageBackendFactory> byName = new TreeMap<>();
        for (StorageBackendFactory f :
                ServiceLoader.load(StorageBackendFactory.class, StorageBackendFactory.class.getClassLoader())) {
            StorageBackendFactory twin = byName.putIfAbsent(f.name(), f);
            if (twin != null) {
                throw new IllegalStateException("two storage backends are named '" + f.name() + "': "
                        + twin.getClass().getName() + " and " + f.getClass().getName());
            }
        }
        return byName;
    }
}
