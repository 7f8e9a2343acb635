package io.strongroom.store.ceph;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The block store contract and the layout checks on volumes of the packed layout (8,240-byte slots back to back,
 * headers without a {@code layout} field): those created before the padded layout stay readable and writable.
 */
@ExtendWith(CephCluster.Extension.class)
class PackedCephBlockStoreTest extends BareCephStoreContract {

    PackedCephBlockStoreTest(CephCluster cluster) {
        super(cluster, CephVolume.Layout.PACKED);
    }
}
