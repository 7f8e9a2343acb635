package io.strongroom.store.ceph;

import org.junit.jupiter.api.extension.ExtendWith;

/** The block store contract through the slot cache the gateway puts in front of the {@code ceph} backend. */
@ExtendWith(CephCluster.Extension.class)
class CachedCephBlockStoreTest extends CephContractBase {

    CachedCephBlockStoreTest(CephCluster cluster) {
        super(cluster, 4L << 20, CephVolume.Layout.PADDED);
    }
}
