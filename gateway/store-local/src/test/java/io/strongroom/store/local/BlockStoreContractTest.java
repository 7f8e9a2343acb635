package io.strongroom.store.local;

import static io.strongroom.core.store.BlockStoreException.Reason.BAD_LENGTH;
import static io.strongroom.core.store.BlockStoreException.Reason.CLOSED;
import static io.strongroom.core.store.BlockStoreException.Reason.INVALID_ARGUMENT;
import static io.strongroom.core.store.BlockStoreException.Reason.OUT_OF_RANGE;
import static io.strongroom.core.store.BlockStoreException.Reason.UNKNOWN_VOLUME;
import static io.strongroom.core.store.BlockStoreException.Reason.VOLUME_EXISTS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.BlockStoreException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behaviour every {@link BlockStore} must show. A backend's test extends this class and says how to open its
 * store over a directory; {@link #openStore} must return a store showing what an earlier store over the same
 * directory acknowledged (it is called again after close to check persistence).
 */
public abstract class BlockStoreContractTest {

    /** An 8 KiB block sealed by the crypto layer: plaintext + 48 bytes. */
    protected static final int SLOT = 8192 + 48;

    protected static final long BLOCKS = 64;

    @TempDir
    protected Path dir;

    protected Vertx vertx;
    protected BlockStore store;
    protected UUID volume;

    /** Opens the backend's store over {@code dir}, with whatever durability the subclass tests. */
    protected abstract BlockStore openStore(Vertx vertx, Path dir) throws Exception;

    @BeforeEach
    void openStoreAndVolume() throws Exception {
        vertx = Vertx.vertx();
        store = openStore(vertx, dir);
        volume = UUID.randomUUID();
        await(store.createVolume(volume, SLOT, BLOCKS));
    }

    @AfterEach
    void closeStore() throws Exception {
        try {
            store.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void neverWrittenSlotsReadAsZeros() throws Exception {
        assertArrayEquals(new byte[SLOT], bytes(store.read(volume, 0, 1)));
        assertArrayEquals(new byte[SLOT], bytes(store.read(volume, BLOCKS - 1, 1)));
        assertArrayEquals(new byte[(int) BLOCKS * SLOT], bytes(store.read(volume, 0, (int) BLOCKS)));
    }

    @Test
    void singleSlotWriteReadsBack() throws Exception {
        await(store.write(volume, 7, Buffer.buffer(SlotPattern.slot(SLOT, 7, 1))));
        assertArrayEquals(SlotPattern.slot(SLOT, 7, 1), bytes(store.read(volume, 7, 1)));
        assertArrayEquals(new byte[SLOT], bytes(store.read(volume, 6, 1)), "neighbour untouched");
        assertArrayEquals(new byte[SLOT], bytes(store.read(volume, 8, 1)), "neighbour untouched");
    }

    @Test
    void runWriteReadsBackAsRunAndSingly() throws Exception {
        await(store.write(volume, 10, run(10, 5, 3)));
        byte[] all = bytes(store.read(volume, 9, 7));
        assertEquals(SlotPattern.ZEROS, SlotPattern.generationOf(all, 0, SLOT, 9));
        for (int i = 0; i < 5; i++) {
            assertEquals(3, SlotPattern.generationOf(all, (i + 1) * SLOT, SLOT, 10 + i));
            assertArrayEquals(SlotPattern.slot(SLOT, 10 + i, 3), bytes(store.read(volume, 10 + i, 1)));
        }
        assertEquals(SlotPattern.ZEROS, SlotPattern.generationOf(all, 6 * SLOT, SLOT, 15));
    }

    @Test
    void overwriteReplacesOnlyItsSlots() throws Exception {
        await(store.write(volume, 0, run(0, 4, 1)));
        await(store.write(volume, 1, run(1, 2, 2)));
        byte[] all = bytes(store.read(volume, 0, 4));
        long[] expected = {1, 2, 2, 1};
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], SlotPattern.generationOf(all, i * SLOT, SLOT, i));
        }
    }

    @Test
    void trimmedSlotsReadAsZerosAndNeighboursStay() throws Exception {
        await(store.write(volume, 0, run(0, 6, 1)));
        await(store.trim(volume, 2, 3));
        byte[] all = bytes(store.read(volume, 0, 6));
        long[] expected = {1, 1, 0, 0, 0, 1};
        for (int i = 0; i < 6; i++) {
            assertEquals(expected[i], SlotPattern.generationOf(all, i * SLOT, SLOT, i), "block " + i);
        }
        await(store.trim(volume, 40, BLOCKS - 40));
        assertArrayEquals(new byte[SLOT], bytes(store.read(volume, BLOCKS - 1, 1)), "trim of unwritten space");
        await(store.write(volume, 3, Buffer.buffer(SlotPattern.slot(SLOT, 3, 2))));
        assertEquals(2, SlotPattern.generationOf(bytes(store.read(volume, 3, 1)), 0, SLOT, 3), "rewrite after trim");
    }

    @Test
    void flushIsABarrierForEverythingAcknowledgedBeforeIt() throws Exception {
        List<Future<Void>> writes = new ArrayList<>();
        for (int b = 0; b < 8; b++) {
            writes.add(store.write(volume, b, Buffer.buffer(SlotPattern.slot(SLOT, b, 1))));
        }
        await(Future.all(writes));
        await(store.trim(volume, 2, 1));
        await(store.flush(volume));
        reopen();
        byte[] slots = bytes(store.read(volume, 0, 8));
        for (int b = 0; b < 8; b++) {
            assertEquals(b == 2 ? SlotPattern.ZEROS : 1, SlotPattern.generationOf(slots, b * SLOT, SLOT, b));
        }
    }

    @Test
    void flushOnOneContextCompletesAfterTheWritesIssuedBeforeIt() throws Exception {
        Context context = vertx.getOrCreateContext();
        Promise<List<Boolean>> result = Promise.promise();
        context.runOnContext(v -> {
            List<Future<Void>> writes = new ArrayList<>();
            for (int b = 0; b < 8; b++) {
                writes.add(store.write(volume, b, Buffer.buffer(SlotPattern.slot(SLOT, b, 1))));
            }
            store.flush(volume).onComplete(ar -> {
                List<Boolean> done = new ArrayList<>();
                done.add(ar.succeeded());
                writes.forEach(w -> done.add(w.succeeded()));
                result.complete(done);
            });
        });
        List<Boolean> done = await(result.future());
        assertEquals(9, done.size());
        assertTrue(done.stream().allMatch(d -> d), "flush and every earlier write done: " + done);
    }

    @Test
    void outOfRangeAndBadLengthsAreRejectedAndChangeNothing() throws Exception {
        assertFails(OUT_OF_RANGE, store.read(volume, BLOCKS, 1));
        assertFails(OUT_OF_RANGE, store.read(volume, -1, 1));
        assertFails(OUT_OF_RANGE, store.read(volume, BLOCKS - 1, 2));
        assertFails(OUT_OF_RANGE, store.read(volume, Long.MAX_VALUE, 1));
        assertFails(BAD_LENGTH, store.read(volume, 0, 0));
        assertFails(OUT_OF_RANGE, store.write(volume, BLOCKS - 1, run(BLOCKS - 1, 2, 1)));
        assertFails(OUT_OF_RANGE, store.write(volume, -1, run(0, 1, 1)));
        assertFails(BAD_LENGTH, store.write(volume, 0, Buffer.buffer(new byte[SLOT - 1])));
        assertFails(BAD_LENGTH, store.write(volume, 0, Buffer.buffer(new byte[SLOT + 1])));
        assertFails(BAD_LENGTH, store.write(volume, 0, Buffer.buffer()));
        assertFails(OUT_OF_RANGE, store.trim(volume, BLOCKS - 2, 3));
        assertFails(OUT_OF_RANGE, store.trim(volume, 0, Long.MAX_VALUE));
        assertFails(BAD_LENGTH, store.trim(volume, 0, 0));
        assertArrayEquals(new byte[SLOT], bytes(store.read(volume, BLOCKS - 1, 1)), "rejected write left no trace");
        assertArrayEquals(new byte[SLOT], bytes(store.read(volume, 0, 1)), "rejected write left no trace");
    }

    @Test
    void unknownVolumesAndBadGeometryAreRejected() throws Exception {
        UUID other = UUID.randomUUID();
        assertFails(UNKNOWN_VOLUME, store.read(other, 0, 1));
        assertFails(UNKNOWN_VOLUME, store.write(other, 0, run(0, 1, 1)));
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
    void volumesAreIsolatedAndSlotSizesIndependent() throws Exception {
        UUID small = UUID.randomUUID();
        int smallSlot = 4096 + 48;
        await(store.createVolume(small, smallSlot, 8));
        await(store.write(volume, 3, Buffer.buffer(SlotPattern.slot(SLOT, 3, 1))));
        await(store.write(small, 3, Buffer.buffer(SlotPattern.slot(smallSlot, 3, 2))));
        assertEquals(1, SlotPattern.generationOf(bytes(store.read(volume, 3, 1)), 0, SLOT, 3));
        byte[] fromSmall = bytes(store.read(small, 3, 1));
        assertEquals(smallSlot, fromSmall.length);
        assertEquals(2, SlotPattern.generationOf(fromSmall, 0, smallSlot, 3));
        assertFails(BAD_LENGTH, store.write(small, 0, run(0, 1, 1)));
    }

    @Test
    void deletedVolumeIsGoneAndItsIdReusable() throws Exception {
        await(store.write(volume, 1, run(1, 1, 1)));
        await(store.deleteVolume(volume));
        assertFails(UNKNOWN_VOLUME, store.read(volume, 1, 1));
        assertFails(UNKNOWN_VOLUME, store.write(volume, 1, run(1, 1, 2)));
        assertFails(UNKNOWN_VOLUME, store.deleteVolume(volume));
        reopen();
        assertFails(UNKNOWN_VOLUME, store.read(volume, 1, 1));
        await(store.createVolume(volume, SLOT, BLOCKS));
        assertArrayEquals(new byte[SLOT], bytes(store.read(volume, 1, 1)), "a new volume starts empty");
    }

    @Test
    void acknowledgedWritesSurviveCloseAndReopen() throws Exception {
        await(store.write(volume, 0, run(0, 3, 1)));
        await(store.trim(volume, 1, 1));
        await(store.write(volume, BLOCKS - 1, run(BLOCKS - 1, 1, 4)));
        reopen();
        byte[] all = bytes(store.read(volume, 0, 3));
        assertEquals(1, SlotPattern.generationOf(all, 0, SLOT, 0));
        assertEquals(SlotPattern.ZEROS, SlotPattern.generationOf(all, SLOT, SLOT, 1));
        assertEquals(1, SlotPattern.generationOf(all, 2 * SLOT, SLOT, 2));
        assertEquals(4, SlotPattern.generationOf(bytes(store.read(volume, BLOCKS - 1, 1)), 0, SLOT, BLOCKS - 1));
    }

    @Test
    void closedStoreRejectsCalls() throws Exception {
        await(store.close());
        assertFails(CLOSED, store.read(volume, 0, 1));
        assertFails(CLOSED, store.write(volume, 0, run(0, 1, 1)));
        assertFails(CLOSED, store.createVolume(UUID.randomUUID(), SLOT, BLOCKS));
    }

    @Test
    void concurrentWritersToDifferentBlocksAllLand() throws Exception {
        int writers = 16;
        int rounds = 3;
        List<Future<Void>> chains = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            Future<Void> chain = Future.succeededFuture();
            for (int r = 1; r <= rounds; r++) {
                for (long block = w; block < BLOCKS; block += writers) {
                    long b = block;
                    long generation = r;
                    chain = chain.compose(
                            x -> store.write(volume, b, Buffer.buffer(SlotPattern.slot(SLOT, b, generation))));
                }
            }
            chains.add(chain);
        }
        await(Future.all(chains));
        byte[] slots = bytes(store.read(volume, 0, (int) BLOCKS));
        for (int b = 0; b < BLOCKS; b++) {
            assertEquals(rounds, SlotPattern.generationOf(slots, b * SLOT, SLOT, b), "block " + b);
        }
    }

    @Test
    void concurrentWritersToOneBlockNeverMixAndReadersNeverSeeAMix() throws Exception {
        long block = 5;
        int writers = 8;
        int perWriter = 25;
        Set<Long> written = new HashSet<>();
        Set<Long> lastOfEachWriter = new HashSet<>();
        List<Future<Void>> chains = new ArrayList<>();
        for (int w = 1; w <= writers; w++) {
            Future<Void> chain = Future.succeededFuture();
            for (int i = 1; i <= perWriter; i++) {
                long generation = w * 1000L + i;
                written.add(generation);
                chain = chain.compose(
                        x -> store.write(volume, block, Buffer.buffer(SlotPattern.slot(SLOT, block, generation))));
            }
            lastOfEachWriter.add(w * 1000L + perWriter);
            chains.add(chain);
        }
        Future<Void> allWritten = Future.all(chains).mapEmpty();
        List<Long> seen = new ArrayList<>();
        await(readUntil(allWritten, block, seen));
        await(allWritten);
        assertFalse(seen.isEmpty(), "reads ran alongside the writes");
        for (long g : seen) {
            assertTrue(g == SlotPattern.ZEROS || written.contains(g), "concurrent read saw " + g);
        }
        long last = SlotPattern.generationOf(bytes(store.read(volume, block, 1)), 0, SLOT, block);
        assertTrue(lastOfEachWriter.contains(last), "final content " + last + " is some writer's last write");
    }

    /**
     * Reads the block again and again on one event loop until {@code done}; each read is issued from a fresh task,
     * so reads that complete at once (from a cache) loop instead of nesting.
     */
    private Future<Void> readUntil(Future<Void> done, long block, List<Long> seen) {
        Promise<Void> finished = Promise.promise();
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> readAgain(context, done, block, seen, finished));
        return finished.future();
    }

    private void readAgain(Context context, Future<Void> done, long block, List<Long> seen, Promise<Void> finished) {
        store.read(volume, block, 1).onComplete(ar -> {
            if (ar.failed()) {
                finished.fail(ar.cause());
                return;
            }
            seen.add(SlotPattern.generationOf(ar.result().getBytes(), 0, SLOT, block));
            if (done.isComplete()) {
                finished.complete();
            } else {
                context.runOnContext(v -> readAgain(context, done, block, seen, finished));
            }
        });
    }

    @Test
    void futuresCompleteOnTheCallersEventLoop() throws Exception {
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
                        return store.flush(volume);
                    })
                    .onComplete(ar -> {
                        onContext.add(ar.succeeded() && Vertx.currentContext() == context);
                        result.complete(onContext);
                    });
        });
        assertEquals(List.of(true, true, true), await(result.future()));
    }

    /** Closes the store and opens a new one over the same directory. */
    protected void reopen() throws Exception {
        await(store.close());
        store = openStore(vertx, dir);
    }

    protected static Buffer run(long firstBlock, int count, long generation) {
        Buffer b = Buffer.buffer(count * SLOT);
        for (int i = 0; i < count; i++) {
            b.appendBytes(SlotPattern.slot(SLOT, firstBlock + i, generation));
        }
        return b;
    }

    protected static byte[] bytes(Future<Buffer> f) throws Exception {
        return await(f).getBytes();
    }

    protected static <T> T await(Future<T> f) throws Exception {
        try {
            return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    protected static void assertFails(BlockStoreException.Reason reason, Future<?> f) throws Exception {
        try {
            f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            fail("expected " + reason + " but the call succeeded");
        } catch (ExecutionException e) {
            BlockStoreException failure = assertInstanceOf(BlockStoreException.class, e.getCause());
            assertSame(reason, failure.reason(), failure.getMessage());
        }
    }
}
