package io.strongroom.core.testkit.store;

import static org.junit.jupiter.api.Assertions.assertSame;

import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/** Small assertions shared by the store contract kits and the backends' own tests. */
public final class StoreAsserts {

    private StoreAsserts() {}

    /** The bytes a read completed with. */
    public static byte[] bytes(Future<Buffer> read) {
        return Await.result(read).getBytes();
    }

    /** The future fails with a {@link BlockStoreException} of {@code reason}. */
    public static void assertFails(BlockStoreException.Reason reason, Future<?> f) {
        BlockStoreException failure = Await.failure(f, BlockStoreException.class);
        assertSame(reason, failure.reason(), failure.getMessage());
    }
}
