package io.strongroom.store.ceph;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.SlotPattern;
import io.strongroom.core.testkit.store.StoreAsserts;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What interrupted deletions and creations leave in the pool is removed, and nothing of a live volume is: crashes are
 * played by doing the first steps of a deletion (or a creation) by hand, as a gateway killed half-way would have.
 */
@ExtendWith(CephCluster.Extension.class)
class LeftoversTest {

    private static final int SLOT = 8240;
    /** Two data objects: the first whole, the second in part. */
    private static final int SLOTS = CephBlockStore.TARGET_OBJECT_BYTES / SLOT + 10;

    private final CephCluster cluster;
    private final Vertx vertx = Vertx.vertx();

    LeftoversTest(CephCluster cluster) {
        this.cluster = cluster;
    }

    @AfterEach
    void closeVertx() {
        Await.result(vertx.close());
    }

    @Test
    void interruptedDeletionsAndCreationsAreRemovedAndLiveVolumesKept() {
        String namespace = CephCluster.freshNamespace();
        CephStorageBackend crashed = open(namespace);
        UUID live = volumeWithData(crashed, 1);
        UUID deleted = volumeWithData(crashed, 2);
        UUID recreated = volumeWithData(crashed, 3);
        UUID unfinished = UUID.randomUUID();
        Await.result(crashed.blocks().createVolume(unfinished, SLOT, SLOTS));
        crashed.blocks().abandon();
        interruptDeletion(crashed.blocks().rados(), deleted);
        interruptDeletion(crashed.blocks().rados(), recreated);

        CephStorageBackend backend = open(namespace);
        CephBlockStore store = backend.blocks();
        Await.result(store.createVolume(recreated, SLOT, SLOTS));
        Await.result(backend.metadata().write(recreated, "{\"again\":true}"));
        Await.result(store.write(recreated, 0, SlotPattern.run(SLOT, 0, 1, 4)));
        Leftovers.Collected collected = Await.result(store.collectLeftovers(Duration.ZERO));

        assertEquals(1, collected.headers(), "the header of the creation that never wrote a document");
        Rados rados = store.rados();
        assertEquals(3, dataObjects(rados).size(), "the live volume's two objects and the new incarnation's one");
        assertEquals(
                Stream.of(live, recreated).map(CephVolume::headerName).sorted().toList(),
                headers(rados).stream().sorted().toList());
        assertArrayEquals(
                SlotPattern.run(SLOT, 0, SLOTS, 1).getBytes(),
                StoreAsserts.bytes(store.read(live, 0, SLOTS)),
                "the live volume reads back whole");
        byte[] again = StoreAsserts.bytes(store.read(recreated, 0, 2));
        assertArrayEquals(SlotPattern.run(SLOT, 0, 1, 4).getBytes(), Arrays.copyOf(again, SLOT));
        assertArrayEquals(new byte[SLOT], Arrays.copyOfRange(again, SLOT, 2 * SLOT), "not the old incarnation's");
        assertEquals(0, Await.result(store.collectLeftovers(Duration.ZERO)).total(), "nothing left to remove");
        Await.result(backend.close());
        crashed.blocks().rados().close();
    }

    @Test
    void aGatewayOpeningTheStoreRemovesWhatAnInterruptedDeletionLeftButKeepsAYoungHeader() {
        String namespace = CephCluster.freshNamespace();
        CephStorageBackend first = open(namespace);
        UUID deleted = volumeWithData(first, 5);
        UUID creating = UUID.randomUUID();
        Await.result(first.blocks().createVolume(creating, SLOT, SLOTS));
        first.blocks().abandon();
        interruptDeletion(first.blocks().rados(), deleted);

        CephStorageBackend second = open(namespace);
        Rados rados = second.blocks().rados();
        await().atMost(Duration.ofSeconds(120)).until(() -> dataObjects(rados).isEmpty());
        assertEquals(
                0,
                Await.result(second.blocks().collectLeftovers(Leftovers.GRACE)).total(),
                "a header without a document is kept while a creation may still be writing it");
        assertEquals(List.of(CephVolume.headerName(creating)), headers(rados));
        Await.result(second.close());
        first.blocks().rados().close();
    }

    private CephStorageBackend open(String namespace) {
        return Await.result(
                CephStorageBackend.open(vertx, cluster.options(namespace).setCephLeaseSeconds(2)));
    }

    /** A volume with a document and every slot written (generation {@code generation}). */
    private static UUID volumeWithData(CephStorageBackend backend, long generation) {
        UUID id = UUID.randomUUID();
        Await.result(backend.blocks().createVolume(id, SLOT, SLOTS));
        Await.result(backend.metadata().write(id, "{\"volume\":" + generation + "}"));
        Await.result(backend.blocks().write(id, 0, SlotPattern.run(SLOT, 0, SLOTS, generation)));
        return id;
    }

    /**
     * The first steps of a deletion (directory entry, header) by a gateway that then "dies" (its store abandoned: it
     * renews no lease, which would create the header again): its data objects stay.
     */
    private static void interruptDeletion(Rados rados, UUID id) {
        try {
            rados.removeOmap(CephMetadataStore.DIRECTORY, id.toString());
            rados.remove(CephVolume.headerName(id));
        } catch (RadosException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> dataObjects(Rados rados) {
        return objects(rados, CephVolume.DATA_PREFIX);
    }

    private static List<String> headers(Rados rados) {
        return objects(rados, CephVolume.HEADER_PREFIX);
    }

    private static List<String> objects(Rados rados, String prefix) {
        try {
            return rados.objectsStartingWith(prefix);
        } catch (RadosException e) {
            throw new AssertionError(e);
        }
    }
}
