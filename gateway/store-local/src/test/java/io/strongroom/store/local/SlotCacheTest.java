package io.strongroom.store.local;

import static io.strongroom.core.store.BlockStoreException.Reason.TOO_LARGE;
import static io.strongroom.core.testkit.store.StoreAsserts.assertFails;
import static io.strongroom.core.testkit.store.StoreAsserts.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.Durability;
import io.strongroom.core.store.StorageBackend;
import io.strongroom.core.store.StorageBackends;
import io.strongroom.core.store.StorageOptions;
import io.strongroom.core.store.cache.CachingBlockStore;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.SlotPattern;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slot cache ({@link CachingBlockStore}) over the local-file store: what it serves, that writes, trims and
 * deletions are seen through it at once, that it keeps to its bound and can be turned off, and, with the store's
 * acknowledgements held back ({@link GatedBlockStore}), that no order of completions leaves it stale. The store
 * contract through it is {@link CachedLocalFileBlockStoreTest}.
 */
class SlotCacheTest {
    private static final int SLOT = 8192 + 48;
    private static final long BLOCKS = 64;

    @TempDir
    Path dir;

    private final Vertx vertx = Vertx.vertx();
    private BlockStore store;
    private BlockStore inner;

    @AfterEach
    void close() {
        try {
            if (store != null) {
                Await.result(store.close());
            }
            if (inner != null) {
                Await.result(inner.close());
            }
        } finally {
            Await.result(vertx.close());
        }
    }

    /** The gateway's way: the local backend by name with a cache of {@code cacheBytes}; one volume created. */
    private UUID open(long cacheBytes) {
        StorageBackend backend = Await.result(StorageBackends.open(
                vertx,
                new StorageOptions()
                        .setDataDir(dir)
                        .setDurability(Durability.NONE)
                        .setCacheBytes(cacheBytes)));
        store = backend.blocks();
        UUID volume = UUID.randomUUID();
        Await.result(store.createVolume(volume, SLOT, BLOCKS));
        return volume;
    }

    private LocalFileBlockStore openLocal(LocalFileBlockStoreOptions options) {
        return Await.result(LocalFileBlockStore.open(vertx, options.setDataDir(dir)));
    }

    @Test
    void writtenAndReadSlotsAreServedFromMemory() {
        UUID v = open(StorageOptions.DEFAULT_CACHE_BYTES);
        assertInstanceOf(CachingBlockStore.class, store);
        Await.result(store.write(v, 3, slots(3, 1, 7)));
        assertArrayEquals(slots(3, 1, 7).getBytes(), bytes(store.read(v, 3, 1)));
        assertEquals(1, store.stats().cacheHits(), "a written slot is cached");

        assertArrayEquals(expectedRun(2, new long[] {0, 7, 0}), bytes(store.read(v, 2, 3)));
        assertEquals(1, store.stats().cacheHits(), "a run with an uncached slot reads the file");
        assertArrayEquals(expectedRun(2, new long[] {0, 7, 0}), bytes(store.read(v, 2, 3)));
        assertEquals(2, store.stats().cacheHits(), "the run read from the file is cached");
        assertEquals(3, store.stats().reads());
        assertEquals(7L * SLOT, store.stats().readBytes(), "hits count as reads of their bytes");
        assertTrue(
                store.stats().cacheBytes() >= 3L * SLOT,
                "cacheBytes " + store.stats().cacheBytes());
    }

    @Test
    void aHitIsAReadOnlyViewSoNoCallerCanChangeTheCache() {
        UUID v = open(StorageOptions.DEFAULT_CACHE_BYTES);
        Await.result(store.write(v, 5, slots(5, 2, 3)));
        Buffer hit = Await.result(store.read(v, 5, 2));
        assertEquals(1, store.stats().cacheHits());
        assertThrows(ReadOnlyBufferException.class, () -> hit.setByte(0, (byte) 0x55));
        assertArrayEquals(slots(5, 2, 3).getBytes(), bytes(store.read(v, 5, 2)));
    }

    @Test
    void overwritesAndTrimsAreSeenAtOnce() {
        UUID v = open(StorageOptions.DEFAULT_CACHE_BYTES);
        Await.result(store.write(v, 0, slots(0, 8, 1)));
        assertArrayEquals(slots(0, 8, 1).getBytes(), bytes(store.read(v, 0, 8)));
        Await.result(store.write(v, 4, slots(4, 2, 2)));
        assertArrayEquals(expectedRun(3, new long[] {1, 2, 2, 1}), bytes(store.read(v, 3, 4)));
        Await.result(store.trim(v, 2, 3));
        assertArrayEquals(expectedRun(0, new long[] {1, 1, 0, 0, 0, 2, 1, 1}), bytes(store.read(v, 0, 8)));
        assertEquals(2, store.stats().cacheHits(), "the read after the trim went to the file");
    }

    @Test
    void aTrimLargerThanTheCacheDropsOnlyItsVolumesSlots() {
        UUID a = open(StorageOptions.DEFAULT_CACHE_BYTES);
        UUID b = UUID.randomUUID();
        Await.result(store.createVolume(b, SLOT, BLOCKS));
        Await.result(store.write(a, 10, slots(10, 4, 1)));
        Await.result(store.write(b, 10, slots(10, 4, 2)));
        Await.result(store.trim(a, 0, BLOCKS)); // more blocks than cached entries: the whole cache is scanned
        assertArrayEquals(new byte[4 * SLOT], bytes(store.read(a, 10, 4)));
        assertArrayEquals(slots(10, 4, 2).getBytes(), bytes(store.read(b, 10, 4)));
        assertEquals(1, store.stats().cacheHits(), "volume a's slots were dropped, volume b's stayed");
    }

    @Test
    void theCacheKeepsToItsBoundAndEveryReadStaysRight() {
        long bound = 10L * (SLOT + 96);
        UUID v = open(bound);
        for (long block = 0; block < BLOCKS; block++) {
            Await.result(store.write(v, block, slots(block, 1, block + 1)));
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
    void aDeletedVolumeLeavesNothingCachedForItsId() {
        UUID v = open(StorageOptions.DEFAULT_CACHE_BYTES);
        Await.result(store.write(v, 0, slots(0, 4, 1)));
        assertTrue(store.stats().cacheBytes() > 0);
        Await.result(store.deleteVolume(v));
        assertEquals(0, store.stats().cacheBytes());
        Await.result(store.createVolume(v, SLOT, BLOCKS));
        assertArrayEquals(new byte[4 * SLOT], bytes(store.read(v, 0, 4)));
    }

    @Test
    void zeroTurnsTheCacheOff() {
        UUID v = open(0);
        assertInstanceOf(LocalFileBlockStore.class, store, "no cache in front");
        Await.result(store.write(v, 0, slots(0, 2, 1)));
        assertArrayEquals(slots(0, 2, 1).getBytes(), bytes(store.read(v, 0, 2)));
        assertArrayEquals(slots(0, 2, 1).getBytes(), bytes(store.read(v, 0, 2)));
        assertEquals(0, store.stats().cacheHits());
        assertEquals(0, store.stats().cacheBytes());
        assertEquals(2, store.stats().reads());
    }

    @Test
    void aRunLargerThanTheStoreAcceptsIsRefusedEvenWhenEveryBlockIsCached() {
        inner = openLocal(new LocalFileBlockStoreOptions().setMaxRequestBytes(4 * SLOT));
        store = new CachingBlockStore(inner, StorageOptions.DEFAULT_CACHE_BYTES);
        UUID v = UUID.randomUUID();
        Await.result(store.createVolume(v, SLOT, BLOCKS));
        Await.result(store.write(v, 0, slots(0, 3, 1)));
        Await.result(store.write(v, 3, slots(3, 2, 1)));
        assertFails(TOO_LARGE, store.read(v, 0, 5));
        assertArrayEquals(slots(0, 4, 1).getBytes(), bytes(store.read(v, 0, 4)));
        assertEquals(1, store.stats().cacheHits());
    }

    @Test
    void aVolumeThatExistedBeforeTheCacheIsCachedOnceItsSlotSizeIsKnown() {
        LocalFileBlockStore local = openLocal(new LocalFileBlockStoreOptions());
        UUID v = UUID.randomUUID();
        Await.result(local.createVolume(v, SLOT, BLOCKS));
        Await.result(local.write(v, 0, slots(0, 2, 1)));
        inner = local;
        store = new CachingBlockStore(local, StorageOptions.DEFAULT_CACHE_BYTES);
        Await.result(store.write(v, 2, slots(2, 1, 1)));
        assertArrayEquals(slots(0, 3, 1).getBytes(), bytes(store.read(v, 0, 3)));
        assertEquals(0, store.stats().cacheHits(), "the write before any read could not know its block count");
        assertArrayEquals(slots(0, 3, 1).getBytes(), bytes(store.read(v, 0, 3)));
        assertEquals(1, store.stats().cacheHits(), "the first read taught the slot size and filled the cache");
        Await.result(store.write(v, 1, slots(1, 1, 2)));
        assertArrayEquals(expectedRun(0, new long[] {1, 2, 1}), bytes(store.read(v, 0, 3)));
        assertEquals(2, store.stats().cacheHits());
    }

    @Test
    void aReadIssuedBeforeAWriteNeverCachesWhatItReadWhenItCompletesAfterTheWrite() {
        GatedBlockStore gate = gated();
        UUID v = volumeWithBlockZeroAt(gate, 1);
        gate.holdReads = true;
        Future<Buffer> early = store.read(v, 0, 1);
        gate.holdReads = false;
        await().until(() -> gate.heldCount() == 1);
        Await.result(store.write(v, 0, slots(0, 1, 2)));
        gate.release();
        assertEquals(1, generation(Await.result(early)), "the early read saw the store before the write");
        assertEquals(2, generation(Await.result(store.read(v, 0, 1))), "what it read was not cached over the write");
        assertEquals(2, generation(Await.result(store.read(v, 0, 1))));
    }

    @Test
    void aWriteAcknowledgedAfterALaterTrimLeavesNothingOfItCached() {
        GatedBlockStore gate = gated();
        UUID v = volumeWithBlockZeroAt(gate, 1);
        gate.holdWrites = true;
        Future<Void> write = store.write(v, 0, slots(0, 1, 2));
        gate.holdWrites = false;
        await().until(() -> gate.heldCount() == 1);
        Await.result(store.trim(v, 0, 1));
        gate.release();
        Await.result(write);
        assertEquals(SlotPattern.ZEROS, generation(Await.result(store.read(v, 0, 1))));
        assertEquals(0, store.stats().cacheHits(), "the late acknowledgement cached nothing");
    }

    @Test
    void whileAWriteIsPendingItsBlocksAreReadFromTheStore() {
        GatedBlockStore gate = gated();
        UUID v = volumeWithBlockZeroAt(gate, 1);
        Await.result(store.write(v, 0, slots(0, 1, 1)));
        assertEquals(1, generation(Await.result(store.read(v, 0, 1))));
        assertEquals(1, store.stats().cacheHits());
        gate.holdWrites = true;
        Future<Void> write = store.write(v, 0, slots(0, 1, 2));
        await().until(() -> gate.heldCount() == 1);
        gate.holdWrites = false;
        assertEquals(2, generation(Await.result(store.read(v, 0, 1))), "read from the store, which has it");
        assertEquals(1, store.stats().cacheHits(), "the old cached slot was dropped when the write was issued");
        gate.release();
        Await.result(write);
        assertEquals(2, generation(Await.result(store.read(v, 0, 1))));
        assertEquals(2, store.stats().cacheHits(), "the acknowledged write is cached");
    }

    /** The cache over a gate over the local store. */
    private GatedBlockStore gated() {
        inner = openLocal(new LocalFileBlockStoreOptions().setDurability(Durability.NONE));
        GatedBlockStore gate = new GatedBlockStore(inner);
        store = new CachingBlockStore(gate, StorageOptions.DEFAULT_CACHE_BYTES);
        return gate;
    }

    /** A volume created through the cache whose block 0 was written behind it (so is not cached). */
    private UUID volumeWithBlockZeroAt(GatedBlockStore gate, long generation) {
        UUID v = UUID.randomUUID();
        Await.result(store.createVolume(v, SLOT, BLOCKS));
        Await.result(gate.write(v, 0, slots(0, 1, generation)));
        return v;
    }

    private static long generation(Buffer oneSlot) {
        return SlotPattern.generationOf(oneSlot.getBytes(), 0, SLOT, 0);
    }

    /** Slots of blocks first.. all at one generation (0: all zeros). */
    private static Buffer slots(long first, int count, long generation) {
        return SlotPattern.run(SLOT, first, count, generation);
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
