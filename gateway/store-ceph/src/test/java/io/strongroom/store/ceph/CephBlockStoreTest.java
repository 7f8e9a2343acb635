package io.strongroom.store.ceph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.SlotPattern;
import io.strongroom.core.testkit.store.StoreAsserts;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Core's block store contract against the {@code ceph} backend on the run's throwaway cluster, plus its layout. */
@ExtendWith(CephCluster.Extension.class)
class CephBlockStoreTest extends CephContractBase {

    CephBlockStoreTest(CephCluster cluster) {
        super(cluster, 0);
    }

    /** A run across object boundaries lands in each object whole, and the objects hold whole slots only. */
    @Test
    void runsAcrossObjectsReadBackAndObjectsHoldWholeSlots() throws Exception {
        int perObject = CephBlockStore.TARGET_OBJECT_BYTES / SLOT;
        UUID big = UUID.randomUUID();
        Await.result(store.createVolume(big, SLOT, 3L * perObject));
        long first = perObject - 2;
        Await.result(store.write(big, first, SlotPattern.run(SLOT, first, perObject + 4, 7)));
        long[] expected = new long[perObject + 6];
        Arrays.fill(expected, 1, perObject + 5, 7);
        assertEquals(
                Arrays.toString(expected),
                Arrays.toString(SlotPattern.generationsOf(
                        StoreAsserts.bytes(store.read(big, first - 1, perObject + 6)), SLOT, first - 1)));
        Await.result(store.trim(big, perObject, perObject));
        reopen();
        Arrays.fill(expected, 3, perObject + 3, 0);
        assertEquals(
                Arrays.toString(expected),
                Arrays.toString(SlotPattern.generationsOf(
                        StoreAsserts.bytes(store.read(big, first - 1, perObject + 6)), SLOT, first - 1)));
        assertArrayEquals(
                new byte[SLOT], StoreAsserts.bytes(store.read(big, 3L * perObject - 1, 1)), "past the last write");
    }
}
