package io.strongroom.store.ceph;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.StorageBackends;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.BlockStoreContract;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.ExtendWith;

/** The block store contract through the slot cache the gateway puts in front of the {@code ceph} backend. */
@ExtendWith(CephCluster.Extension.class)
class CachedCephBlockStoreTest extends BlockStoreContract {

    private final CephCluster cluster;
    private final String namespace = CephCluster.freshNamespace();

    CachedCephBlockStoreTest(CephCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    protected BlockStore openStore(Vertx vertx) {
        return Await.result(
                        StorageBackends.open(vertx, cluster.options(namespace).setCacheBytes(4L << 20)))
                .blocks();
    }
}
