package io.strongroom.store.ceph;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.store.MetadataStore;
import io.strongroom.core.store.StorageOptions;
import io.strongroom.core.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Volume names claimed across gateways: two stores (two librados clients, as two gateways) racing on one name, a
 * stale claim (its volume has no document: a gateway died between the claim and the document, or in the middle of a
 * deletion) taken over once older than the grace period and by exactly one of two racing claims, and the sweep
 * collecting stale claims. Ages past the 10-minute grace are played by giving the claim and the sweep a later "now";
 * the race on stale claims waits for them to age past a grace of a few seconds instead, so that each racing claim sees
 * the other's new claim as young.
 */
@ExtendWith(CephCluster.Extension.class)
class NameClaimsTest {

    private static final int SLOT = 8240;
    private static final Duration AFTER_GRACE = Leftovers.GRACE.plusSeconds(1);
    /** Long enough that a claim written during a race is never older than this when the other claim looks at it. */
    private static final Duration SHORT_GRACE = Duration.ofSeconds(10);

    private final CephCluster cluster;
    private final String namespace = CephCluster.freshNamespace();
    private final Vertx vertx = Vertx.vertx();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    NameClaimsTest(CephCluster cluster) {
        this.cluster = cluster;
    }

    @AfterEach
    void close() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(60, TimeUnit.SECONDS);
        Await.result(vertx.close());
    }

    @Test
    void ofTwoGatewaysClaimingTheSameNamesAtOnceExactlyOneWinsEachName() {
        CephStorageBackend one = open();
        CephStorageBackend two = open();
        MetadataStore a = one.metadata();
        MetadataStore b = two.metadata();
        for (int i = 0; i < 20; i++) {
            String name = "race-" + i;
            UUID idA = UUID.randomUUID();
            UUID idB = UUID.randomUUID();
            Future<UUID> byA = a.claimName(name, idA);
            Future<UUID> byB = b.claimName(name, idB);
            UUID winner = Await.result(byA);
            assertEquals(winner, Await.result(byB), name);
            assertTrue(winner.equals(idA) || winner.equals(idB), name);
            assertEquals(Optional.of(winner), content(one.blocks().rados(), name));
        }
        Await.result(one.close());
        Await.result(two.close());
    }

    @Test
    void aStaleClaimIsTakenOverOnlyOnceOlderThanTheGraceAndByOneOfTwoRacingClaims() throws Exception {
        CephStorageBackend backend = open();
        Rados first = backend.blocks().rados();
        Rados second = Rados.connect(cluster.conf(), options().getCephPool(), namespace);
        UUID crashed = UUID.randomUUID(); // claimed, then its gateway died before the volume had a document
        assertEquals(crashed, NameClaims.claim(first, "db", crashed, Leftovers.GRACE, Instant.now()));
        UUID young = UUID.randomUUID();
        assertEquals(
                crashed,
                NameClaims.claim(second, "db", young, Leftovers.GRACE, Instant.now()),
                "a claim younger than the grace may belong to a creation in progress");

        // Racing claims must see the dead claims as stale and each other's as young, so here the claims age for
        // real, against a grace of a few seconds.
        List<String> names = List.of("stale-0", "stale-1", "stale-2", "stale-3", "stale-4");
        for (String name : names) {
            NameClaims.claim(first, name, UUID.randomUUID(), SHORT_GRACE, Instant.now());
        }
        await().atMost(Duration.ofSeconds(60))
                .until(() -> Leftovers.olderThan(first, NameClaims.objectName("stale-4"), SHORT_GRACE, Instant.now()));
        UUID x = UUID.randomUUID();
        UUID y = UUID.randomUUID();
        for (String name : names) {
            List<java.util.concurrent.Future<UUID>> racing = threads.invokeAll(List.<Callable<UUID>>of(
                    () -> NameClaims.claim(first, name, x, SHORT_GRACE, Instant.now()),
                    () -> NameClaims.claim(second, name, y, SHORT_GRACE, Instant.now())));
            UUID winner = racing.get(0).get();
            assertEquals(winner, racing.get(1).get(), name);
            assertTrue(winner.equals(x) || winner.equals(y), name + " went to " + winner);
            assertEquals(Optional.of(winner), content(first, name));
        }

        Instant later = Instant.now().plus(AFTER_GRACE);
        UUID live = UUID.randomUUID();
        Await.result(backend.blocks().createVolume(live, SLOT, 16));
        Await.result(backend.metadata().write(live, "{\"name\":\"live\"}"));
        assertEquals(live, Await.result(backend.metadata().claimName("live", live)));
        assertEquals(
                live,
                NameClaims.claim(second, "live", x, Leftovers.GRACE, later),
                "a claim whose volume has a document is never taken over");
        Await.result(backend.close());
        second.close();
    }

    @Test
    void theSweepCollectsClaimsOfVolumesWithoutADocumentOnceOlderThanTheGrace() throws Exception {
        CephStorageBackend backend = open();
        CephBlockStore store = backend.blocks();
        MetadataStore metadata = backend.metadata();
        Rados rados = store.rados();
        UUID live = volumeWithDocument(backend, "live");
        UUID deleted = volumeWithDocument(backend, "deleted");
        Await.result(metadata.claimName("unfinished", UUID.randomUUID())); // died before creating the volume
        // a deletion that died after the volume was gone, before releasing the name
        rados.removeOmap(CephMetadataStore.DIRECTORY, deleted.toString());
        rados.remove(CephVolume.headerName(deleted));

        assertEquals(0, Leftovers.collect(rados, Leftovers.GRACE, Instant.now()).claims(), "all are young");
        assertEquals(3, claimObjects(rados).size());
        assertEquals(
                2,
                Leftovers.collect(rados, Leftovers.GRACE, Instant.now().plus(AFTER_GRACE))
                        .claims());
        assertEquals(List.of(NameClaims.objectName("live")), claimObjects(rados));
        assertEquals(Optional.of(live), content(rados, "live"));
        UUID again = UUID.randomUUID();
        assertEquals(again, Await.result(metadata.claimName("deleted", again)), "the name is free again");
        Await.result(backend.close());
    }

    private CephStorageBackend open() {
        return Await.result(CephStorageBackend.open(vertx, options().setCephLeaseSeconds(2)));
    }

    private StorageOptions options() {
        return cluster.options(namespace);
    }

    /** A volume created as the volume service does it: name claimed, then the volume and its document. */
    private static UUID volumeWithDocument(CephStorageBackend backend, String name) {
        UUID id = UUID.randomUUID();
        assertEquals(id, Await.result(backend.metadata().claimName(name, id)));
        Await.result(backend.blocks().createVolume(id, SLOT, 16));
        Await.result(backend.metadata().write(id, "{\"name\":\"" + name + "\"}"));
        return id;
    }

    private static Optional<UUID> content(Rados rados, String name) {
        try {
            byte[] buf = new byte[64];
            int n = rados.read(NameClaims.objectName(name), buf, 0);
            return n == 0
                    ? Optional.empty()
                    : Optional.of(UUID.fromString(new String(buf, 0, n, StandardCharsets.US_ASCII)));
        } catch (RadosException e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> claimObjects(Rados rados) throws RadosException {
        return rados.objectsStartingWith(NameClaims.PREFIX);
    }
}
