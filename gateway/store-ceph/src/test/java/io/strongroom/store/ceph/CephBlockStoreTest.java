package io.strongroom.store.ceph;

import org.junit.jupiter.api.extension.ExtendWith;

/** The block store contract on the bare {@code ceph} store, with volumes of the layout new ones get (padded). */
@ExtendWith(CephCluster.Extension.class)
class CephBlockStoreTest extends BareCephStoreContract {

    CephBlockStoreTest(CephCluster cluster) {
        super(cluster, CephVolume.Layout.PADDED);
    }
}
