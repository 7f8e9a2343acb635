package io.strongroom.store.ceph;

import static io.strongroom.core.store.BlockStoreException.Reason.IO_ERROR;
import static io.strongroom.core.store.BlockStoreException.Reason.LEASED_ELSEWHERE;
import static io.strongroom.core.testkit.store.StoreAsserts.assertFails;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.StorageBackend;
import io.strongroom.core.store.cache.CachingBlockStore;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.SlotPattern;
import io.strongroom.core.testkit.store.StoreAsserts;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two stores over one pool, as two gateways: one writer per volume at a time (the cls_lock lease), a lapsed lease
 * taken over with its holder fenced by the OSD blocklist, a released one handed over at once without fencing, and
 * the slot caches in front of them never serving a slot the other has changed.
 */
@ExtendWith(CephCluster.Extension.class)
class WriterLeaseTest {

    private static final int SLOT = 8192 + 48;
    private static final long LEASE_SECONDS = 2;

    private final Vertx vertx = Vertx.vertx();
    private final String namespace = CephCluster.freshNamespace();
    private final UUID volume = UUID.randomUUID();

    @AfterEach
    void closeVertx() {
        Await.result(vertx.close());
    }

    @Test
    void aLapsedLeaseIsTakenOverAndItsHolderFenced(CephCluster cluster) throws Exception {
        CephBlockStore a = open(cluster);
        CephBlockStore b = open(cluster);
        Await.result(a.createVolume(volume, SLOT, 64));
        Await.result(a.write(volume, 0, slot(0, 1)));
        BlockStoreException busy =
                assertThrows(BlockStoreException.class, () -> Await.result(b.write(volume, 1, slot(1, 1))));
        assertEquals(LEASED_ELSEWHERE, busy.reason());
        assertTrue(busy.getMessage().contains("written by another gateway (librados client "), busy.getMessage());

        a.abandon();
        long stalled = System.nanoTime();
        writeOnceTheLeaseIsFree(b, 1, 2);
        System.out.printf(
                "lease of %d s taken over %d ms after its holder stopped renewing%n",
                LEASE_SECONDS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stalled));
        assertEquals(1, b.stats().detail("fencedGateways").orElseThrow(), "the lapsed holder was fenced");

        String object = Await.result(b.volume(volume)).dataObject(0);
        RadosException refused =
                assertThrows(RadosException.class, () -> a.rados().write(object, new byte[SLOT], 0));
        assertEquals(108, refused.errno(), "the fenced client is blocklisted (ESHUTDOWN): " + refused.getMessage());
        assertEquals("[1, 2]", generations(b, 2), "the fenced client changed nothing");
        Await.result(b.close());
    }

    @Test
    void aFencedGatewayReconnectsByItselfAndWritesAgainOnceTheLeaseIsFree(CephCluster cluster) {
        CephBlockStore a = open(cluster);
        CephBlockStore b = open(cluster);
        Await.result(a.createVolume(volume, SLOT, 64));
        Await.result(a.write(volume, 0, slot(0, 1)));

        a.stallRenewals(true);
        writeOnceTheLeaseIsFree(b, 1, 2);
        assertEquals(1, b.stats().detail("fencedGateways").orElseThrow(), "b fenced a");
        long refused = System.nanoTime();
        assertFails(IO_ERROR, a.write(volume, 2, slot(2, 9)));
        a.stallRenewals(false);

        await().atMost(Duration.ofSeconds(60))
                .until(() -> a.stats().detail("reconnections").orElseThrow() == 1);
        System.out.printf(
                "fenced client replaced %d ms after its write was refused%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - refused));
        assertEquals(0, a.cacheEpoch(volume), "a holds no lease after it was fenced");
        assertEquals(
                "[1, 2, 0]",
                generations(a, 3),
                "a reads again, and the write refused while it was fenced changed nothing");
        assertFails(LEASED_ELSEWHERE, a.write(volume, 2, slot(2, 10)));

        Await.result(b.release(volume));
        Await.result(a.write(volume, 2, slot(2, 3)));
        assertEquals(0, a.stats().detail("fencedGateways").orElseThrow(), "a's own old client was not fenced again");
        assertEquals("[1, 2, 3]", generations(b, 3));
        Await.result(a.close());
        Await.result(b.close());
    }

    @Test
    void aReleasedLeaseIsHandedOverAtOnceWithoutFencing(CephCluster cluster) {
        CephBlockStore a = open(cluster);
        CephBlockStore b = open(cluster);
        Await.result(a.createVolume(volume, SLOT, 64));
        Await.result(a.write(volume, 0, slot(0, 1)));
        assertFails(LEASED_ELSEWHERE, b.trim(volume, 0, 1));
        Await.result(a.close());
        Await.result(b.write(volume, 1, slot(1, 3)));
        assertEquals(0, b.stats().detail("fencedGateways").orElseThrow());
        assertEquals("[1, 3]", generations(b, 2));
        CephBlockStore c = open(cluster);
        assertFails(LEASED_ELSEWHERE, c.write(volume, 2, slot(2, 1)));
        Await.result(b.close());
        Await.result(c.write(volume, 2, slot(2, 4)));
        Await.result(c.close());
    }

    @Test
    void noGatewayServesFromItsCacheASlotAnotherHasChanged(CephCluster cluster) {
        CephStorageBackend first = backend(cluster);
        CephStorageBackend second = backend(cluster);
        StorageBackend cachedFirst = CachingBlockStore.over(first, 4L << 20);
        StorageBackend cachedSecond = CachingBlockStore.over(second, 4L << 20);
        BlockStore a = cachedFirst.blocks();
        BlockStore b = cachedSecond.blocks();
        Await.result(a.createVolume(volume, SLOT, 64));

        Await.result(a.write(volume, 5, slot(5, 1)));
        assertEquals(1, generationOf5(b), "the reader sees the writer's slot");
        assertEquals(1, generationOf5(b));
        Await.result(a.write(volume, 5, slot(5, 2)));
        assertEquals(2, generationOf5(b), "the reader never serves the slot it read before the writer changed it");
        assertEquals(0, b.stats().cacheHits(), "a gateway without the lease serves nothing from its cache");

        assertEquals(2, generationOf5(a));
        assertEquals(2, generationOf5(a));
        assertTrue(a.stats().cacheHits() > 0, "the lease holder serves from its cache");

        Await.result(first.blocks().release(volume));
        Await.result(b.write(volume, 5, slot(5, 3)));
        assertEquals(3, generationOf5(a), "a gateway that gave the lease away reads what the new writer wrote");
        Await.result(second.blocks().release(volume));
        Await.result(a.write(volume, 6, slot(6, 1)));
        assertEquals(3, generationOf5(a), "taking the lease back drops what was cached under the old one");
        assertEquals(3, generationOf5(a));

        Await.result(cachedSecond.close());
        Await.result(cachedFirst.close());
    }

    private CephBlockStore open(CephCluster cluster) {
        return backend(cluster).blocks();
    }

    private CephStorageBackend backend(CephCluster cluster) {
        return Await.result(
                CephStorageBackend.open(vertx, cluster.options(namespace).setCephLeaseSeconds(LEASE_SECONDS)));
    }

    /** Writes {@code block} at {@code generation} through {@code store} as soon as it can take the lease. */
    private void writeOnceTheLeaseIsFree(BlockStore store, long block, long generation) {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            Await.result(store.write(volume, block, slot(block, generation)));
            return true;
        });
    }

    /** The generations of the first {@code count} slots of the volume, as read through {@code store}. */
    private String generations(BlockStore store, int count) {
        return Arrays.toString(SlotPattern.generationsOf(StoreAsserts.bytes(store.read(volume, 0, count)), SLOT, 0));
    }

    private long generationOf5(BlockStore store) {
        return SlotPattern.generationsOf(StoreAsserts.bytes(store.read(volume, 5, 1)), SLOT, 5)[0];
    }

    private static Buffer slot(long block, long generation) {
        return SlotPattern.run(SLOT, block, 1, generation);
    }
}
