package io.strongroom.store.ceph;

import static org.awaitility.Awaitility.await;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.StorageBackend;
import io.strongroom.core.store.cache.CachingBlockStore;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.BlockStoreContract;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Core's block store contract on the {@code ceph} backend (the run's throwaway cluster, a namespace per test) with
 * writer leases of {@value #LEASE_SECONDS} s. A crash abandons the store (its leases lapse) and the new store takes
 * the test volume's lease over, fencing the old client, as a restarted gateway does.
 */
abstract class CephContractBase extends BlockStoreContract {

    static final long LEASE_SECONDS = 2;

    private final CephCluster cluster;
    private final String namespace = CephCluster.freshNamespace();
    private final long cacheBytes;
    private final CephVolume.Layout layout;
    protected CephBlockStore ceph;

    CephContractBase(CephCluster cluster, long cacheBytes, CephVolume.Layout layout) {
        this.cluster = cluster;
        this.cacheBytes = cacheBytes;
        this.layout = layout;
    }

    @Override
    protected BlockStore openStore(Vertx vertx) {
        StorageBackend backend = Await.result(
                CephStorageBackend.open(vertx, cluster.options(namespace).setCephLeaseSeconds(LEASE_SECONDS)));
        ceph = (CephBlockStore) backend.blocks();
        ceph.createVolumesAs(layout);
        return cacheBytes == 0
                ? ceph
                : CachingBlockStore.over(backend, cacheBytes).blocks();
    }

    @Override
    protected void crashAndReopen() {
        ceph.abandon();
        store = openStore(vertx);
        CephBlockStore next = ceph;
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            Await.result(next.volume(volume).compose(next::leased));
            return true;
        });
    }
}
