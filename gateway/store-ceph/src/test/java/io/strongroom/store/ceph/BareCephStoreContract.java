package io.strongroom.store.ceph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.SlotPattern;
import io.strongroom.core.testkit.store.StoreAsserts;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Core's block store contract on the bare {@code ceph} store (no slot cache) with volumes of one layout, plus runs
 * across objects and where the slots lie in them.
 */
abstract class BareCephStoreContract extends CephContractBase {

    BareCephStoreContract(CephCluster cluster, CephVolume.Layout layout) {
        super(cluster, 0, layout);
    }

    /** A run across object boundaries lands in each object whole, and the objects hold whole slots only. */
    @Test
    void runsAcrossObjectsReadBackAndObjectsHoldWholeSlots() throws Exception {
        UUID big = UUID.randomUUID();
        Await.result(store.createVolume(big, SLOT, 3L * CephBlockStore.TARGET_OBJECT_BYTES / SLOT));
        int perObject = Await.result(ceph.volume(big)).slotsPerObject();
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
        long blocks = Await.result(ceph.volume(big)).blockCount();
        assertArrayEquals(new byte[SLOT], StoreAsserts.bytes(store.read(big, blocks - 1, 1)), "past the last write");
    }

    /**
     * The header names the layout (none for packed, as before the padded layout), slot {@code i} of an object lies at
     * {@code i × stride} (8,240 packed, 12,288 padded, zeros between), and a trim zeroes the whole stride.
     */
    @Test
    void slotsLieAtTheirLayoutsOffsets() throws Exception {
        CephVolume v = Await.result(ceph.volume(volume));
        byte[] header = new byte[CephBlockStore.HEADER_MAX_BYTES];
        int n = ceph.rados().read(v.headerName(), header, 0);
        JsonObject json = new JsonObject(new String(header, 0, n, StandardCharsets.UTF_8));
        int stride = v.layout() == CephVolume.Layout.PACKED ? SLOT : 12_288;
        assertEquals(v.layout() == CephVolume.Layout.PACKED ? null : "padded", json.getString("layout"));
        assertEquals(CephBlockStore.TARGET_OBJECT_BYTES / stride, json.getInteger("slotsPerObject"));
        byte[] written = SlotPattern.run(SLOT, 3, 2, 5).getBytes();
        Await.result(store.write(volume, 3, Buffer.buffer(written)));
        byte[] object = new byte[5 * stride];
        ceph.rados().read(v.dataObject(0), object, 0);
        byte[] expected = new byte[5 * stride];
        System.arraycopy(written, 0, expected, 3 * stride, SLOT);
        System.arraycopy(written, SLOT, expected, 4 * stride, SLOT);
        assertArrayEquals(expected, object);
        Await.result(store.trim(volume, 3, 1));
        ceph.rados().read(v.dataObject(0), object, 0);
        Arrays.fill(expected, 3 * stride, 4 * stride, (byte) 0);
        assertArrayEquals(expected, object);
    }
}
