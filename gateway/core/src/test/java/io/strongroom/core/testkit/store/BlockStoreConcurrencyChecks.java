package io.strongroom.core.testkit.store;

import static io.strongroom.core.testkit.store.StoreAsserts.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The concurrent half of {@link BlockStoreContract}: many writers and readers at once on one volume, each check
 * bounded by work done (never by time), so they hold on a loaded machine. Readers run on their own event loop and
 * issue each read from a fresh task, so reads that complete at once (from a cache) loop instead of nesting.
 */
final class BlockStoreConcurrencyChecks {

    private BlockStoreConcurrencyChecks() {}

    static void concurrentWritersToDifferentBlocksAllLand(BlockStore store, UUID volume, int slot, long blocks) {
        int writers = 16;
        int rounds = 3;
        List<Future<Void>> chains = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            Future<Void> chain = Future.succeededFuture();
            for (int r = 1; r <= rounds; r++) {
                for (long block = w; block < blocks; block += writers) {
                    long b = block;
                    long generation = r;
                    chain = chain.compose(x -> store.write(volume, b, SlotPattern.run(slot, b, 1, generation)));
                }
            }
            chains.add(chain);
        }
        Await.result(Future.all(chains));
        long[] found = SlotPattern.generationsOf(bytes(store.read(volume, 0, (int) blocks)), slot, 0);
        long[] expected = new long[(int) blocks];
        Arrays.fill(expected, rounds);
        assertEquals(Arrays.toString(expected), Arrays.toString(found));
    }

    /** Eight writers rewrite one block; a reader alongside sees only whole slots that some writer wrote. */
    static void writersToOneBlockNeverMix(Vertx vertx, BlockStore store, UUID volume, int slot) {
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
                chain = chain.compose(x -> store.write(volume, block, SlotPattern.run(slot, block, 1, generation)));
            }
            lastOfEachWriter.add(w * 1000L + perWriter);
            chains.add(chain);
        }
        Future<Void> allWritten = Future.all(chains).mapEmpty();
        List<long[]> seen = Await.result(readUntil(vertx, store, volume, slot, allWritten, block, 1));
        Await.result(allWritten);
        assertFalse(seen.isEmpty(), "reads ran alongside the writes");
        for (long[] g : seen) {
            assertTrue(g[0] == SlotPattern.ZEROS || written.contains(g[0]), "concurrent read saw " + g[0]);
        }
        long last = SlotPattern.generationsOf(bytes(store.read(volume, block, 1)), slot, block)[0];
        assertTrue(lastOfEachWriter.contains(last), "final content " + last + " is some writer's last write");
    }

    /**
     * Each writer owns a block and, after each acknowledged write, reads it back: it must see exactly that write,
     * while a reader keeps reading runs over every block (filling any cache the store has) and other writers
     * write. A cache that kept what a read brought back after a write to the same blocks was issued fails this.
     */
    static void readsAfterAcknowledgementSeeTheWrite(
            Vertx vertx, BlockStore store, UUID volume, int slot, long blocks) {
        int writers = 8;
        int rounds = 30;
        List<String> stale = Collections.synchronizedList(new ArrayList<>());
        List<Future<Void>> chains = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            long block = w;
            Future<Void> chain = Future.succeededFuture();
            for (int r = 1; r <= rounds; r++) {
                int round = r;
                long generation = r;
                Future<Void> written = chain.compose(x -> round % 5 == 0
                        ? store.trim(volume, block, 1)
                        : store.write(volume, block, SlotPattern.run(slot, block, 1, generation)));
                chain = written.compose(x -> store.read(volume, block, 1)).map(read -> {
                    long found = SlotPattern.generationsOf(read.getBytes(), slot, block)[0];
                    long expected = round % 5 == 0 ? SlotPattern.ZEROS : generation;
                    if (found != expected) {
                        stale.add("block " + block + " round " + round + ": read " + found + ", expected " + expected);
                    }
                    return null;
                });
            }
            chains.add(chain);
        }
        Future<Void> done = Future.all(chains).mapEmpty();
        List<long[]> seen = Await.result(readUntil(vertx, store, volume, slot, done, 0, writers));
        Await.result(done);
        assertFalse(seen.isEmpty(), "reads ran alongside the writes");
        assertEquals(List.of(), stale, "reads right after acknowledgements");
    }

    /** A four-block run is rewritten again and again; no read of it may mix two of those writes. */
    static void runsNeverMixTwoWrites(BlockStore store, UUID volume, int slot) {
        int count = 4;
        Future<Void> chain = Future.succeededFuture();
        for (long generation = 1; generation <= 200; generation++) {
            long g = generation;
            chain = chain.compose(x -> store.write(volume, 0, SlotPattern.run(slot, 0, count, g)));
        }
        Future<Void> written = chain;
        List<long[]> seen = new ArrayList<>();
        while (!written.isComplete()) {
            seen.add(SlotPattern.generationsOf(bytes(store.read(volume, 0, count)), slot, 0));
        }
        Await.result(written);
        seen.add(SlotPattern.generationsOf(bytes(store.read(volume, 0, count)), slot, 0));
        for (long[] g : seen) {
            for (int i = 1; i < count; i++) {
                assertEquals(g[0], g[i], "a run read mixed two writes: " + Arrays.toString(g));
            }
            assertTrue(g[0] != SlotPattern.TORN);
        }
        assertEquals(200, seen.get(seen.size() - 1)[0], "the last write is what stays");
    }

    /** Reads the run again and again on one event loop until {@code done}; every read's generations are kept. */
    private static Future<List<long[]>> readUntil(
            Vertx vertx, BlockStore store, UUID volume, int slot, Future<Void> done, long first, int count) {
        Promise<List<long[]>> finished = Promise.promise();
        Context context = vertx.getOrCreateContext();
        List<long[]> seen = new ArrayList<>();
        context.runOnContext(v -> readAgain(context, store, volume, slot, done, first, count, seen, finished));
        return finished.future();
    }

    private static void readAgain(
            Context context,
            BlockStore store,
            UUID volume,
            int slot,
            Future<Void> done,
            long first,
            int count,
            List<long[]> seen,
            Promise<List<long[]>> finished) {
        store.read(volume, first, count).onComplete(ar -> {
            if (ar.failed()) {
                finished.fail(ar.cause());
                return;
            }
            Buffer read = ar.result();
            seen.add(SlotPattern.generationsOf(read.getBytes(), slot, first));
            if (done.isComplete()) {
                finished.complete(seen);
            } else {
                context.runOnContext(v -> readAgain(context, store, volume, slot, done, first, count, seen, finished));
            }
        });
    }
}
