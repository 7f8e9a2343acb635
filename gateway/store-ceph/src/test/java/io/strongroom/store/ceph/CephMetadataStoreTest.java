package io.strongroom.store.ceph;

import io.strongroom.core.store.StorageBackend;
import io.strongroom.core.store.StorageBackends;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.MetadataStoreContract;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.extension.ExtendWith;

/** Core's metadata store contract against the {@code ceph} backend on the run's throwaway cluster. */
@ExtendWith(CephCluster.Extension.class)
class CephMetadataStoreTest extends MetadataStoreContract {

    private final CephCluster cluster;
    private final String namespace = CephCluster.freshNamespace();

    CephMetadataStoreTest(CephCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    protected StorageBackend openBackend(Vertx vertx) {
        return Await.result(StorageBackends.open(vertx, cluster.options(namespace)));
    }
}
