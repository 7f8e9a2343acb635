package io.strongroom.core.testkit.store;

import static io.strongroom.core.store.BlockStoreException.Reason.UNKNOWN_VOLUME;
import static io.strongroom.core.testkit.store.StoreAsserts.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.store.MetadataStore;
import io.strongroom.core.store.StorageBackend;
import io.strongroom.core.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link MetadataStore} must show, with the block store it belongs to, as a kit: a backend's
 * test extends this class and implements {@link #openBackend}, which opens the backend over the test's persistent
 * state (called once before each test and again after {@link StorageBackend#close} to check what survives).
 */
public abstract class MetadataStoreContract {

    private static final int SLOT = 4096 + 48;
    private static final long BLOCKS = 16;

    protected Vertx vertx;
    protected StorageBackend backend;
    protected MetadataStore metadata;
    protected UUID volume;

    /** Opens the backend over the test's persistent state: what an earlier backend over it wrote must be there. */
    protected abstract StorageBackend openBackend(Vertx vertx) throws Exception;

    @BeforeEach
    void openBackendAndVolume() throws Exception {
        vertx = Vertx.vertx();
        backend = openBackend(vertx);
        metadata = backend.metadata();
        volume = UUID.randomUUID();
        Await.result(backend.blocks().createVolume(volume, SLOT, BLOCKS));
    }

    @AfterEach
    void closeBackend() {
        try {
            Await.result(backend.close());
        } finally {
            Await.result(vertx.close());
        }
    }

    @Test
    void aVolumeWithoutADocumentReadsAsEmptyAndIsNotListed() {
        assertEquals(Optional.empty(), Await.result(metadata.read(volume)));
        assertEquals(List.of(), Await.result(metadata.listVolumes()));
    }

    @Test
    void aDocumentIsReplacedWholeAndReadBackExactly() {
        Await.result(metadata.write(volume, "{\"v\":1,\"padding\":\"" + "x".repeat(10_000) + "\"}"));
        String second = "{\"v\":2,\"dek\":\"é\u00e9\u4e2d\"}";
        Await.result(metadata.write(volume, second));
        assertEquals(Optional.of(second), Await.result(metadata.read(volume)));
    }

    @Test
    void documentsAreListedPerVolumeAndKeptApart() {
        UUID other = UUID.randomUUID();
        UUID bare = UUID.randomUUID();
        Await.result(backend.blocks().createVolume(other, SLOT, BLOCKS));
        Await.result(backend.blocks().createVolume(bare, SLOT, BLOCKS));
        Await.result(metadata.write(volume, "{\"name\":\"a\"}"));
        Await.result(metadata.write(other, "{\"name\":\"b\"}"));
        assertEquals(Set.of(volume, other), new HashSet<>(Await.result(metadata.listVolumes())));
        assertEquals(Optional.of("{\"name\":\"a\"}"), Await.result(metadata.read(volume)));
        assertEquals(Optional.of("{\"name\":\"b\"}"), Await.result(metadata.read(other)));
        assertEquals(Optional.empty(), Await.result(metadata.read(bare)));
    }

    @Test
    void aVolumeThatDoesNotExistTakesNoDocumentAndReadsAsEmpty() {
        UUID missing = UUID.randomUUID();
        assertFails(UNKNOWN_VOLUME, metadata.write(missing, "{}"));
        assertEquals(Optional.empty(), Await.result(metadata.read(missing)));
        assertFalse(Await.result(metadata.listVolumes()).contains(missing));
    }

    @Test
    void deletingTheVolumeDeletesItsDocument() throws Exception {
        Await.result(metadata.write(volume, "{\"v\":1}"));
        Await.result(backend.blocks().deleteVolume(volume));
        assertEquals(Optional.empty(), Await.result(metadata.read(volume)));
        assertEquals(List.of(), Await.result(metadata.listVolumes()));
        assertFails(UNKNOWN_VOLUME, metadata.write(volume, "{\"v\":2}"));
        reopen();
        assertEquals(Optional.empty(), Await.result(metadata.read(volume)));
        Await.result(backend.blocks().createVolume(volume, SLOT, BLOCKS));
        assertEquals(Optional.empty(), Await.result(metadata.read(volume)), "a new volume starts without one");
    }

    @Test
    void documentsSurviveCloseAndReopen() throws Exception {
        Await.result(metadata.write(volume, "{\"v\":1}"));
        Await.result(metadata.write(volume, "{\"v\":2}"));
        reopen();
        assertEquals(Optional.of("{\"v\":2}"), Await.result(metadata.read(volume)));
        assertEquals(List.of(volume), Await.result(metadata.listVolumes()));
        Await.result(metadata.write(volume, "{\"v\":3}"));
        assertEquals(Optional.of("{\"v\":3}"), Await.result(metadata.read(volume)));
    }

    /** Readers alongside a writer replacing the document see one whole version each time, never a part. */
    @Test
    void aReaderSeesAWholeVersionWhileTheDocumentIsReplaced() {
        List<String> versions = new ArrayList<>();
        for (int v = 0; v < 20; v++) {
            versions.add("{\"v\":" + v + ",\"padding\":\""
                    + String.valueOf((char) ('a' + v)).repeat(20_000 + v) + "\"}");
        }
        Await.result(metadata.write(volume, versions.get(0)));
        Future<Void> chain = Future.succeededFuture();
        for (String version : versions.subList(1, versions.size())) {
            chain = chain.compose(x -> metadata.write(volume, version));
        }
        Future<Void> written = chain;
        int reads = 0;
        while (!written.isComplete() || reads == 0) {
            String seen = Await.result(metadata.read(volume)).orElseThrow();
            assertTrue(versions.contains(seen), () -> "a read saw a partial document of " + seen.length() + " chars");
            reads++;
        }
        Await.result(written);
        assertEquals(Optional.of(versions.get(versions.size() - 1)), Await.result(metadata.read(volume)));
    }

    @Test
    void ofTwoConcurrentClaimsOfOneNameExactlyOneWinsAndBothSeeTheWinner() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        Future<UUID> first = metadata.claimName("db", a);
        Future<UUID> second = metadata.claimName("db", b);
        UUID winner = Await.result(first);
        assertEquals(winner, Await.result(second));
        assertTrue(winner.equals(a) || winner.equals(b), () -> "a claim gave the name to " + winner);
        UUID loser = winner.equals(a) ? b : a;
        assertEquals(winner, Await.result(metadata.claimName("db", winner)), "the holder claims it again");
        assertEquals(winner, Await.result(metadata.claimName("db", loser)), "the loser claims it again");
    }

    @Test
    void aReleaseByAnotherIdDoesNothingAndAReleasedNameCanBeClaimedAgain() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        assertEquals(a, Await.result(metadata.claimName("db", a)));
        Await.result(metadata.releaseName("db", b));
        assertEquals(a, Await.result(metadata.claimName("db", b)), "b released a name it did not hold");
        Await.result(metadata.releaseName("db", a));
        Await.result(metadata.releaseName("db", a));
        assertEquals(b, Await.result(metadata.claimName("db", b)), "the released name goes to the next claim");
        Await.result(metadata.releaseName("never-claimed", a));
    }

    /** Every legal volume name ([a-z0-9][a-z0-9._-]{0,62}) is a claim of its own. */
    @Test
    void namesThatDifferOnlyInPunctuationOrLengthAreClaimedApart() {
        List<String> names = List.of("db", "db.1", "db_1", "db-1", "db1", "d", "0", "a".repeat(63), "a".repeat(62));
        List<UUID> ids = new ArrayList<>();
        for (String name : names) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            assertEquals(id, Await.result(metadata.claimName(name, id)), name);
        }
        for (int i = 0; i < names.size(); i++) {
            assertEquals(ids.get(i), Await.result(metadata.claimName(names.get(i), UUID.randomUUID())), names.get(i));
        }
    }

    /** Closes the backend and opens it again over the same state. */
    protected void reopen() throws Exception {
        Await.result(backend.close());
        backend = openBackend(vertx);
        metadata = backend.metadata();
    }
}
