package io.strongroom.core.testkit.store;

import static io.strongroom.core.store.BlockStoreException.Reason.BAD_LENGTH;
import static io.strongroom.core.store.BlockStoreException.Reason.CLOSED;
import static io.strongroom.core.store.BlockStoreException.Reason.INVALID_ARGUMENT;
import static io.strongroom.core.store.BlockStoreException.Reason.OUT_OF_RANGE;
import static io.strongroom.core.store.BlockStoreException.Reason.UNKNOWN_VOLUME;
import static io.strongroom.core.store.BlockStoreException.Reason.VOLUME_EXISTS;
import static io.strongroom.core.testkit.store.StoreAsserts.assertFails;
import static io.strongroom.core.testkit.store.StoreAsserts.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.testkit.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link BlockStore} must show, as a kit (the way vertx-sql-client ships its TCK): a backend's
 * test extends this class and implements {@link #openStore}, which opens the backend's store over the test's
 * persistent state (a temporary directory, a pool, ...). It is called once before each test, again after
 * {@link BlockStore#close} to check what survives a restart, and after a simulated crash ({@link #crashAndReopen}).
 * Concurrency and ordering are in {@link BlockStoreConcurrencyChecks}, which this class runs too.
 */
public abstract class BlockStoreContract {

    /** An 8 KiB block sealed by the crypto layer: plaintext + 48 bytes. */
    protected static final int SLOT = 8192 + 48;

    protected static final long BLOCKS = 64;

    protected Vertx vertx;
    protected BlockStore store;
    protected UUID volume;

    /**
     * Opens the backend's store over the test's persistent state: what an earlier store over the same state
     * acknowledged must be there (after a close, and after {@link #crashAndReopen}).
     */
    protected abstract BlockStore openStore(Vertx vertx) throws Exception;

    /**
     * A process crash, as far as this JVM can play one: the store is abandoned without {@link BlockStore#close}
     * (whatever it holds only in memory is lost to the new store) and a new one is opened over the same state. A
     * backend that can lose acknowledged data in a crash of the machine checks that in its own tests.
     */
    protected void crashAndReopen() throws Exception {
        store = openStore(vertx);
    }

    @BeforeEach
    void openStoreAndVolume() throws Exception {
        vertx = Vertx.vertx();
        store = openStore(vertx);
        volume = UUID.randomUUID();
        Await.result(store.createVolume(volume, SLOT, BLOCKS));
    }

    @AfterEach
    void closeStore() {
        try {
            Await.result(store.close());
        } finally {
            Await.result(vertx.close());
        }
    }

    @Test
    void neverWrittenSlotsReadAsZeros() {
        assertArrayEquals(new byte[SLOT], bytes(store.read(volume, 0, 1)));
        assertArrayEquals(new byte[SLOT], bytes(store.read(volume, BLOCKS - 1, 1)));
        assertArrayEquals(new byte[(int) BLOCKS * SLOT], bytes(store.read(volume, 0, (int) BLOCKS)));
    }

    @Test
    void singleSlotWriteReadsBack() {
        Await.result(store.write(volume, 7, run(7, 1, 1)));
        assertArrayEquals(SlotPattern.slot(SLOT, 7, 1), bytes(store.read(volume, 7, 1)));
        assertArrayEquals(new byte[SLOT], bytes(store.read(volume, 6, 1)), "neighbour untouched");
        assertArrayEquals(new byte[SLOT], bytes(store.read(volume, 8, 1)), "neighbour untouched");
    }

    @Test
    void runWriteReadsBackAsRunAndSingly() {
        Await.result(store.write(volume, 10, run(10, 5, 3)));
        assertGenerations(9, new long[] {0, 3, 3, 3, 3, 3, 0});
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(SlotPattern.slot(SLOT, 10 + i, 3), bytes(store.read(volume, 10 + i, 1)));
        }
    }

    @Test
    void overwriteReplacesOnlyItsSlots() {
        Await.result(store.write(volume, 0, run(0, 4, 1)));
        Await.result(store.write(volume, 1, run(1, 2, 2)));
        assertGenerations(0, new long[] {1, 2, 2, 1});
    }

    @Test
    void trimmedSlotsReadAsZerosAndNeighboursStay() {
        Await.result(store.write(volume, 0, run(0, 6, 1)));
        Await.result(store.trim(volume, 2, 3));
        assertGenerations(0, new long[] {1, 1, 0, 0, 0, 1});
        Await.result(store.trim(volume, 40, BLOCKS - 40));
        assertArrayEquals(new byte[SLOT], bytes(store.read(volume, BLOCKS - 1, 1)), "trim of unwritten space");
        Await.result(store.write(volume, 3, run(3, 1, 2)));
        assertGenerations(3, new long[] {2});
    }

    @Test
    void flushIsABarrierForEverythingAcknowledgedBeforeIt() throws Exception {
        List<Future<Void>> writes = new ArrayList<>();
        for (int b = 0; b < 8; b++) {
            writes.add(store.write(volume, b, run(b, 1, 1)));
        }
        Await.result(Future.all(writes));
        Await.result(store.trim(volume, 2, 1));
        Await.result(store.flush(volume));
        reopen();
        assertGenerations(0, new long[] {1, 1, 0, 1, 1, 1, 1, 1});
    }

    @Test
    void flushOnOneContextCompletesAfterTheWritesIssuedBeforeIt() {
        Context context = vertx.getOrCreateContext();
        Promise<List<Boolean>> result = Promise.promise();
        context.runOnContext(v -> {
            List<Future<Void>> writes = new ArrayList<>();
            for (int b = 0; b < 8; b++) {
                writes.add(store.write(volume, b, run(b, 1, 1)));
            }
            store.flush(volume).onComplete(ar -> {
                List<Boolean> done = new ArrayList<>();
                done.add(ar.succeeded());
                writes.forEach(w -> done.add(w.succeeded()));
                result.complete(done);
            });
        });
        List<Boolean> done = Await.result(result.future());
        assertEquals(9, done.size());
        assertTrue(done.stream().allMatch(d -> d), "flush and every earlier write done: " + done);
    }

    @Test
    void fuaWritesReadBackAndSurviveACrash() throws Exception {
        Await.result(store.write(volume, 4, run(4, 2, 5), true));
        Await.result(store.write(volume, 5, run(5, 1, 6), true));
        assertGenerations(4, new long[] {5, 6});
        crashAndReopen();
        assertGenerations(3, new long[] {0, 5, 6, 0});
    }

    @Test
    void acknowledgedWritesSurviveACrash() throws Exception {
        Await.result(store.write(volume, 0, run(0, 3, 1)));
        Await.result(store.trim(volume, 1, 1));
        crashAndReopen();
        assertGenerations(0, new long[] {1, 0, 1});
        Await.result(store.write(volume, 1, run(1, 1, 2)));
        assertGenerations(0, new long[] {1, 2, 1});
    }

    @Test
    void outOfRangeAndBadLengthsAreRejectedAndChangeNothing() {
        assertFails(OUT_OF_RANGE, store.read(volume, BLOCKS, 1));
        assertFails(OUT_OF_RANGE, store.read(volume, -1, 1));
        assertFails(OUT_OF_RANGE, store.read(volume, BLOCKS - 1, 2));
        assertFails(OUT_OF_RANGE, store.read(volume, Long.MAX_VALUE, 1));
        assertFails(BAD_LENGTH, store.read(volume, 0, 0));
        assertFails(OUT_OF_RANGE, store.write(volume, BLOCKS - 1, run(BLOCKS - 1, 2, 1)));
        assertFails(OUT_OF_RANGE, store.write(volume, -1, run(0, 1, 1)));
        assertFails(OUT_OF_RANGE, store.write(volume, BLOCKS, run(0, 1, 1), true));
        assertFails(BAD_LENGTH, store.write(volume, 0, Buffer.buffer(new byte[SLOT - 1])));
        assertFails(BAD_LENGTH, store.write(volume, 0, Buffer.buffer(new byte[SLOT + 1])));
        assertFails(BAD_LENGTH, store.write(volume, 0, Buffer.buffer()));
        assertFails(BAD_LENGTH, store.write(volume, 0, Buffer.buffer(new byte[SLOT + 1]), true));
        assertFails(INVALID_ARGUMENT, store.write(volume, 0, null));
        assertFails(OUT_OF_RANGE, store.trim(volume, BLOCKS - 2, 3));
        assertFails(OUT_OF_RANGE, store.trim(volume, 0, Long.MAX_VALUE));
        assertFails(BAD_LENGTH, store.trim(volume, 0, 0));
        assertArrayEquals(new byte[SLOT], bytes(store.read(volume, BLOCKS - 1, 1)), "rejected write left no trace");
        assertArrayEquals(new byte[SLOT], bytes(store.read(volume, 0, 1)), "rejected write left no trace");
    }

    @Test
    void unknownVolumesAndBadGeometryAreRejected() {
        UUID other = UUID.randomUUID();
        assertFails(UNKNOWN_VOLUME, store.read(other, 0, 1));
        assertFails(UNKNOWN_VOLUME, store.write(other, 0, run(0, 1, 1)));
        assertFails(UNKNOWN_VOLUME, store.write(other, 0, run(0, 1, 1), true));
        assertFails(UNKNOWN_VOLUME, store.trim(other, 0, 1));
        assertFails(UNKNOWN_VOLUME, store.flush(other));
        assertFails(UNKNOWN_VOLUME, store.deleteVolume(other));
        assertFails(VOLUME_EXISTS, store.createVolume(volume, SLOT, BLOCKS));
        assertFails(INVALID_ARGUMENT, store.createVolume(other, 0, BLOCKS));
        assertFails(INVALID_ARGUMENT, store.createVolume(other, SLOT, 0));
        assertFails(INVALID_ARGUMENT, store.createVolume(other, SLOT, Long.MAX_VALUE));
        assertFails(INVALID_ARGUMENT, store.createVolume(null, SLOT, BLOCKS));
    }

    @Test
    void volumesAreIsolatedAndSlotSizesIndependent() {
        UUID small = UUID.randomUUID();
        int smallSlot = 4096 + 48;
        Await.result(store.createVolume(small, smallSlot, 8));
        Await.result(store.write(volume, 3, run(3, 1, 1)));
        Await.result(store.write(small, 3, SlotPattern.run(smallSlot, 3, 1, 2)));
        assertGenerations(3, new long[] {1});
        byte[] fromSmall = bytes(store.read(small, 3, 1));
        assertEquals(smallSlot, fromSmall.length);
        assertEquals(2, SlotPattern.generationOf(fromSmall, 0, smallSlot, 3));
        assertFails(BAD_LENGTH, store.write(small, 0, run(0, 1, 1)));
    }

    @Test
    void deletedVolumeIsGoneAndItsIdReusable() throws Exception {
        Await.result(store.write(volume, 1, run(1, 1, 1)));
        assertGenerations(1, new long[] {1});
        Await.result(store.deleteVolume(volume));
        assertFails(UNKNOWN_VOLUME, store.read(volume, 1, 1));
        assertFails(UNKNOWN_VOLUME, store.write(volume, 1, run(1, 1, 2)));
        assertFails(UNKNOWN_VOLUME, store.deleteVolume(volume));
        reopen();
        assertFails(UNKNOWN_VOLUME, store.read(volume, 1, 1));
        Await.result(store.createVolume(volume, SLOT, BLOCKS));
        assertArrayEquals(new byte[SLOT], bytes(store.read(volume, 1, 1)), "a new volume starts empty");
    }

    @Test
    void aVolumeDeletedAndCreatedAgainWithoutReopenStartsEmpty() {
        Await.result(store.write(volume, 0, run(0, 4, 1)));
        assertGenerations(0, new long[] {1, 1, 1, 1});
        Await.result(store.deleteVolume(volume));
        Await.result(store.createVolume(volume, SLOT, BLOCKS));
        assertGenerations(0, new long[] {0, 0, 0, 0});
    }

    @Test
    void acknowledgedWritesSurviveCloseAndReopen() throws Exception {
        Await.result(store.write(volume, 0, run(0, 3, 1)));
        Await.result(store.trim(volume, 1, 1));
        Await.result(store.write(volume, BLOCKS - 1, run(BLOCKS - 1, 1, 4)));
        reopen();
        assertGenerations(0, new long[] {1, 0, 1});
        assertGenerations(BLOCKS - 1, new long[] {4});
    }

    @Test
    void closedStoreRejectsCalls() {
        Await.result(store.write(volume, 0, run(0, 1, 1)));
        assertGenerations(0, new long[] {1});
        Await.result(store.close());
        assertFails(CLOSED, store.read(volume, 0, 1));
        assertFails(CLOSED, store.write(volume, 0, run(0, 1, 1)));
        assertFails(CLOSED, store.createVolume(UUID.randomUUID(), SLOT, BLOCKS));
    }

    @Test
    void concurrentWritersToDifferentBlocksAllLand() {
        BlockStoreConcurrencyChecks.concurrentWritersToDifferentBlocksAllLand(store, volume, SLOT, BLOCKS);
    }

    @Test
    void concurrentWritersToOneBlockNeverMixAndReadersNeverSeeAMix() {
        BlockStoreConcurrencyChecks.writersToOneBlockNeverMix(vertx, store, volume, SLOT);
    }

    @Test
    void aReadAfterAnAcknowledgedWriteSeesItWhileOthersReadAndWrite() {
        BlockStoreConcurrencyChecks.readsAfterAcknowledgementSeeTheWrite(vertx, store, volume, SLOT, BLOCKS);
    }

    @Test
    void aRunReadNeverMixesTwoWritesOfThatRun() {
        BlockStoreConcurrencyChecks.runsNeverMixTwoWrites(store, volume, SLOT);
    }

    @Test
    void futuresCompleteOnTheCallersEventLoop() {
        Context context = vertx.getOrCreateContext();
        Promise<List<Boolean>> result = Promise.promise();
        context.runOnContext(v -> {
            List<Boolean> onContext = new ArrayList<>();
            store.write(volume, 0, run(0, 1, 1))
                    .compose(x -> {
                        onContext.add(Vertx.currentContext() == context);
                        return store.read(volume, 0, 1);
                    })
                    .compose(x -> {
                        onContext.add(Vertx.currentContext() == context);
                        return store.read(volume, 0, 1);
                    })
                    .compose(x -> {
                        onContext.add(Vertx.currentContext() == context);
                        return store.flush(volume);
                    })
                    .onComplete(ar -> {
                        onContext.add(ar.succeeded() && Vertx.currentContext() == context);
                        result.complete(onContext);
                    });
        });
        assertEquals(List.of(true, true, true, true), Await.result(result.future()));
    }

    /** Closes the store and opens a new one over the same state. */
    protected void reopen() throws Exception {
        Await.result(store.close());
        store = openStore(vertx);
    }

    /** The slots of blocks {@code firstBlock ..} of the test volume, all at {@code generation}. */
    protected static Buffer run(long firstBlock, int count, long generation) {
        return SlotPattern.run(SLOT, firstBlock, count, generation);
    }

    /** Reads the run of the test volume from {@code firstBlock} and checks each slot's generation (0: zeros). */
    protected void assertGenerations(long firstBlock, long[] expected) {
        byte[] slots = bytes(store.read(volume, firstBlock, expected.length));
        assertEquals(
                Arrays.toString(expected),
                Arrays.toString(SlotPattern.generationsOf(slots, SLOT, firstBlock)),
                "blocks from " + firstBlock);
    }
}
