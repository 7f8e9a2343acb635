package io.strongroom.store.local;

import static io.strongroom.store.local.BlockStoreContractTest.await;
import static io.strongroom.store.local.BlockStoreContractTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.store.Durability;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slot cache behind {@link LocalFileBlockStore#read}: what it serves, that writes, trims and deletions are
 * seen through it at once, that it keeps to its bound, and that it can be turned off. The store's contract with
 * and without it is {@link LocalFileBlockStoreTest} and {@link UncachedLocalFileBlockStoreTest}.
 */
class SlotCacheTest {
    private static final int SLOT = 8192 + 48;
    private static final long BLOCKS = 64;

    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();
    private LocalFileBlockStore store;

    @AfterEach
    void close() throws Exception {
        try {
            if (store != null) {
                await(store.close());
            }
        } finally {
            await(vertx.close());
        }
    }

    private UUID open(long cacheBytes) throws Exception {
        store = await(LocalFileBlockStore.open(
                vertx,
                new LocalFileBlockStoreOptions()
                        .setDataDir(dir)
                        .setDurability(Durability.NONE)
                        .setCacheBytes(cacheBytes)));
        UUID volume = UUID.randomUUID();
        await(store.createVolume(volume, SLOT, BLOCKS));
        return volume;
    }

    @Test
    void writtenAndReadSlotsAreServedFromMemory() throws Exception {
        UUID v = open(LocalFileBlockStoreOptions.DEFAULT_CACHE_BYTES);
        await(store.write(v, 3, slots(3, 1, 7)));
        assertArrayEquals(slots(3, 1, 7).getBytes(), bytes(store.read(v, 3, 1)));
        assertEquals(1, store.stats().cacheHits(), "a written slot is cached");

        assertArrayEquals(expectedRun(2, new long[] {0, 7, 0}), bytes(store.read(v, 2, 3)));
        assertEquals(1, store.stats().cacheHits(), "a run with an uncached slot reads the file");
        assertArrayEquals(expectedRun(2, new long[] {0, 7, 0}), bytes(store.read(v, 2, 3)));
        assertEquals(2, store.stats().cacheHits(), "the run read from the file is cached");
        assertEquals(3, store.stats().reads());
        assertTrue(
                store.stats().cacheBytes() >= 3L * SLOT,
                "cacheBytes " + store.stats().cacheBytes());
    }

    @Test
    void aHitIsAReadOnlyViewSoNoCallerCanChangeTheCache() throws Exception {
        UUID v = open(LocalFileBlockStoreOptions.DEFAULT_CACHE_BYTES);
        await(store.write(v, 5, slots(5, 2, 3)));
        Buffer hit = await(store.read(v, 5, 2));
        assertEquals(1, store.stats().cacheHits());
        assertThrows(ReadOnlyBufferException.class, () -> hit.setByte(0, (byte) 0x55));
        assertArrayEquals(slots(5, 2, 3).getBytes(), bytes(store.read(v, 5, 2)));
    }

    @Test
    void overwritesAndTrimsAreSeenAtOnce() throws Exception {
        UUID v = open(LocalFileBlockStoreOptions.DEFAULT_CACHE_BYTES);
        await(store.write(v, 0, slots(0, 8, 1)));
        assertArrayEquals(slots(0, 8, 1).getBytes(), bytes(store.read(v, 0, 8)));
        await(store.write(v, 4, slots(4, 2, 2)));
        assertArrayEquals(expectedRun(3, new long[] {1, 2, 2, 1}), bytes(store.read(v, 3, 4)));
        await(store.trim(v, 2, 3));
        assertArrayEquals(expectedRun(0, new long[] {1, 1, 0, 0, 0, 2, 1, 1}), bytes(store.read(v, 0, 8)));
        assertEquals(2, store.stats().cacheHits(), "the read after the trim went to the file");
    }

    @Test
    void aTrimLargerThanTheCacheDropsOnlyItsVolumesSlots() throws Exception {
        UUID a = open(LocalFileBlockStoreOptions.DEFAULT_CACHE_BYTES);
        UUID b = UUID.randomUUID();
        await(store.createVolume(b, SLOT, BLOCKS));
        await(store.write(a, 10, slots(10, 4, 1)));
        await(store.write(b, 10, slots(10, 4, 2)));
        await(store.trim(a, 0, BLOCKS)); // more blocks than cached entries: the whole cache is scanned
        assertArrayEquals(new byte[4 * SLOT], bytes(store.read(a, 10, 4)));
        assertArrayEquals(slots(10, 4, 2).getBytes(), bytes(store.read(b, 10, 4)));
        assertEquals(1, store.stats().cacheHits(), "volume a's slots were dropped, volume b's stayed");
    }

    @Test
    void theCacheKeepsToItsBoundAndEveryReadStaysRight() throws Exception {
        long bound = 10L * (SLOT + 96);
        UUID v = open(bound);
        for (long block = 0; block < BLOCKS; block++) {
            await(store.write(v, block, slots(block, 1, block + 1)));
        }
        for (int pass = 0; pass < 2; pass++) {
            for (long block = 0; block < BLOCKS; block++) {
                assertArrayEquals(
                        slots(block, 1, block + 1).getBytes(), bytes(store.read(v, block, 1)), "block " + block);
                assertTrue(
                        store.stats().cacheBytes() <= bound,
                        "cacheBytes " + store.stats().cacheBytes());
            }
        }
        assertTrue(store.stats().cacheHits() < 2 * BLOCKS, "a cache of 10 slots cannot serve a cycle over 64");
    }

    @Test
    void aDeletedVolumeLeavesNothingCachedForItsId() throws Exception {
        UUID v = open(LocalFileBlockStoreOptions.DEFAULT_CACHE_BYTES);
        await(store.write(v, 0, slots(0, 4, 1)));
        assertTrue(store.stats().cacheBytes() > 0);
        await(store.deleteVolume(v));
        assertEquals(0, store.stats().cacheBytes());
        await(store.createVolume(v, SLOT, BLOCKS));
        assertArrayEquals(new byte[4 * SLOT], bytes(store.read(v, 0, 4)));
    }

    @Test
    void zeroTurnsTheCacheOff() throws Exception {
        UUID v = open(0);
        await(store.write(v, 0, slots(0, 2, 1)));
        assertArrayEquals(slots(0, 2, 1).getBytes(), bytes(store.read(v, 0, 2)));
        assertArrayEquals(slots(0, 2, 1).getBytes(), bytes(store.read(v, 0, 2)));
        assertEquals(0, store.stats().cacheHits());
        assertEquals(0, store.stats().cacheBytes());
    }

    @Test
    void cachedRunsNeverMixTwoWrites() throws Exception {
        UUID v = open(LocalFileBlockStoreOptions.DEFAULT_CACHE_BYTES);
        int count = 4;
        List<long[]> seen = new ArrayList<>();
        Future<Void> chain = Future.succeededFuture();
        for (long generation = 1; generation <= 200; generation++) {
            long g = generation;
            chain = chain.compose(x -> store.write(v, 0, slots(0, count, g)));
        }
        Future<Void> written = chain;
        while (!written.isComplete()) {
            byte[] run = bytes(store.read(v, 0, count));
            long[] generations = new long[count];
            for (int i = 0; i < count; i++) {
                generations[i] = SlotPattern.generationOf(run, i * SLOT, SLOT, i);
            }
            seen.add(generations);
        }
        await(written);
        assertFalse(seen.isEmpty());
        for (long[] g : seen) {
            for (int i = 1; i < count; i++) {
                assertEquals(g[0], g[i], "a run read mixed two writes: " + Arrays.toString(g));
            }
            assertTrue(g[0] != SlotPattern.TORN);
        }
        assertTrue(store.stats().cacheHits() > 0, "some of those reads were served from the cache");
    }

    /** Slots of blocks first.. all at one generation (0: all zeros). */
    private static Buffer slots(long first, int count, long generation) {
        Buffer b = Buffer.buffer(count * SLOT);
        for (int i = 0; i < count; i++) {
            b.appendBytes(generation == 0 ? new byte[SLOT] : SlotPattern.slot(SLOT, first + i, generation));
        }
        return b;
    }

    /** The run from {@code first} with one generation per block (0: zeros). */
    private static byte[] expectedRun(long first, long[] generations) {
        Buffer b = Buffer.buffer();
        for (int i = 0; i < generations.length; i++) {
            b.appendBuffer(slots(first + i, 1, generations[i]));
        }
        return b.getBytes();
    }
}
