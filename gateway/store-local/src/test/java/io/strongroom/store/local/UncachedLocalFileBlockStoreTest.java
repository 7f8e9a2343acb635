package io.strongroom.store.local;

import io.strongroom.core.store.BlockStore;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/** The contract with the slot cache off: every read goes to the file through the read pool. */
class UncachedLocalFileBlockStoreTest extends BlockStoreContractTest {

    @Override
    protected BlockStore openStore(Vertx vertx, Path dir) throws Exception {
        return await(LocalFileBlockStore.open(
                vertx, new LocalFileBlockStoreOptions().setDataDir(dir).setCacheBytes(0)));
    }
}
