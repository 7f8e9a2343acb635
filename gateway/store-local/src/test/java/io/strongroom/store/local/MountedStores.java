package io.strongroom.store.local;

import io.strongroom.core.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Stores on a file system mounted for one test (see {@link Mounts}): a test mounts in its {@code @BeforeEach} and
 * opens stores through {@link #open}; after the test the stores close, then Vert.x, then the file system is unmounted
 * (before JUnit deletes the temporary directory under it).
 */
final class MountedStores implements AfterEachCallback {
    private final List<LocalFileBlockStore> stores = new ArrayList<>();
    private Vertx vertx;
    private Path mounted;

    /** A tmpfs of {@code size} (as mount's size= option) at {@code dir}. */
    void tmpfs(Path dir, String size) throws Exception {
        Mounts.tmpfs(dir, size);
        mounted = dir;
    }

    /** An ext4 file system of {@code megabytes} in {@code image}, on a loop device, mounted at {@code dir}. */
    void ext4(Path image, int megabytes, Path dir) throws Exception {
        Mounts.ext4(image, megabytes, dir);
        mounted = dir;
    }

    /** Opens a store, closed after the test. */
    LocalFileBlockStore open(LocalFileBlockStoreOptions options) {
        if (vertx == null) {
            vertx = Vertx.vertx();
        }
        LocalFileBlockStore store = Await.result(LocalFileBlockStore.open(vertx, options));
        stores.add(store);
        return store;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (LocalFileBlockStore store : stores) {
            Await.result(store.close().transform(ar -> Future.succeededFuture()));
        }
        stores.clear();
        if (vertx != null) {
            Await.result(vertx.close());
            vertx = null;
        }
        if (mounted != null) {
            Mounts.unmount(mounted);
            mounted = null;
        }
    }
}
