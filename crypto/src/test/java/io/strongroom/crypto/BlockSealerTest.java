package io.strongroom.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The sealer's API contract: paths, positions, bounds, and concurrent use. */
class BlockSealerTest {

    private final BlockSealer sealer = BlockSealer.create();
    private final Dek dek = Dek.generate();
    private final BlockAddress at = new BlockAddress(UUID.randomUUID(), 1L << 40);

    @Test
    void oneSharedInstance() {
        assertSame(sealer, BlockSealer.create());
    }

    @Test
    void sealingTwiceGivesDifferentBlocksThatBothOpen() {
        byte[] p = new byte[4096];
        byte[] a = sealer.seal(dek, at, p);
        byte[] b = sealer.seal(dek, at, p);
        assertNotEquals(Hex.of(a), Hex.of(b));
        assertArrayEquals(p, sealer.open(dek, at, a));
        assertArrayEquals(p, sealer.open(dek, at, b));
    }

    @Test
    void sealsASliceOfAnArray() {
        byte[] src = new byte[300];
        new SplittableRandom(4).nextBytes(src);
        byte[] sealed = sealer.seal(dek, at, src, 100, 150);
        assertEquals(198, sealed.length);
        assertArrayEquals(Arrays.copyOfRange(src, 100, 250), sealer.open(dek, at, sealed));
        assertThrows(IndexOutOfBoundsException.class, () -> sealer.seal(dek, at, src, 200, 150));
        assertThrows(IndexOutOfBoundsException.class, () -> sealer.seal(dek, at, src, -1, 10));
    }

    @Test
    void buffersAdvanceAndRespectPositionAndLimit() {
        byte[] p = new byte[8192];
        new SplittableRandom(5).nextBytes(p);
        for (boolean direct : new boolean[] {false, true}) {
            ByteBuffer in = alloc(direct, 8192 + 20).position(10);
            in.put(p).flip().position(10);
            ByteBuffer sealed = alloc(direct, 8192 + 48 + 30).position(5);
            assertEquals(8240, sealer.seal(dek, at, in, sealed));
            assertEquals(in.limit(), in.position());
            assertEquals(5 + 8240, sealed.position());

            sealed.flip().position(5);
            ByteBuffer out = alloc(direct, 8192 + 3).position(3);
            assertEquals(8192, sealer.open(dek, at, sealed, out));
            assertEquals(sealed.limit(), sealed.position());
            assertEquals(8195, out.position());
            byte[] back = new byte[8192];
            out.position(3).get(back);
            assertArrayEquals(p, back);
        }
    }

    @Test
    void heapAndDirectPathsInteroperate() {
        byte[] p = new byte[5000];
        new SplittableRandom(6).nextBytes(p);
        ByteBuffer sealedDirect = ByteBuffer.allocateDirect(BlockSealer.sealedSize(p.length));
        sealer.seal(dek, at, ByteBuffer.wrap(p), sealedDirect);
        byte[] sealed = new byte[sealedDirect.flip().remaining()];
        sealedDirect.get(sealed);
        assertArrayEquals(p, sealer.open(dek, at, sealed));
    }

    @Test
    void everyMixOfHeapAndDirectBuffersRoundTrips() {
        SplittableRandom rnd = new SplittableRandom(8);
        for (int size : new int[] {0, 1, 100, 8192, 256 * 1024, 256 * 1024 + 1, 300_000}) {
            byte[] p = new byte[size];
            rnd.nextBytes(p);
            for (int mix = 0; mix < 16; mix++) {
                ByteBuffer in = alloc((mix & 1) != 0, size + 7).position(7);
                in.put(p).flip().position(7);
                ByteBuffer sealed =
                        alloc((mix & 2) != 0, BlockSealer.sealedSize(size) + 5).position(5);
                assertEquals(BlockSealer.sealedSize(size), sealer.seal(dek, at, in, sealed));
                assertEquals(in.limit(), in.position());
                sealed.flip().position(5);
                ByteBuffer sealedIn =
                        alloc((mix & 4) != 0, sealed.remaining()).put(sealed).flip();
                ByteBuffer out = alloc((mix & 8) != 0, size + 3).position(3);
                assertEquals(size, sealer.open(dek, at, sealedIn, out));
                assertEquals(sealedIn.limit(), sealedIn.position());
                assertEquals(size + 3, out.position());
                byte[] back = new byte[size];
                out.position(3).get(back);
                assertArrayEquals(p, back, "size " + size + " mix " + mix);
            }
        }
    }

    @Test
    void readOnlyInputBuffersWork() {
        byte[] p = new byte[3000];
        new SplittableRandom(7).nextBytes(p);
        ByteBuffer sealed = ByteBuffer.allocate(BlockSealer.sealedSize(p.length));
        sealer.seal(dek, at, ByteBuffer.wrap(p).asReadOnlyBuffer(), sealed);
        ByteBuffer out = ByteBuffer.allocateDirect(p.length);
        sealer.open(dek, at, sealed.flip().asReadOnlyBuffer(), out);
        byte[] back = new byte[p.length];
        out.flip().get(back);
        assertArrayEquals(p, back);
    }

    @Test
    void tooSmallOutputBuffersAreRejectedBeforeAnyWork() {
        long before = dek.invocations();
        assertThrows(
                IllegalArgumentException.class,
                () -> sealer.seal(dek, at, ByteBuffer.allocate(100), ByteBuffer.allocate(147)));
        assertEquals(before, dek.invocations());
        byte[] sealed = sealer.seal(dek, at, new byte[100]);
        assertThrows(
                IllegalArgumentException.class,
                () -> sealer.open(dek, at, ByteBuffer.wrap(sealed), ByteBuffer.allocate(99)));
    }

    @Test
    void manyThreadsManyKeysAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    SplittableRandom rnd = new SplittableRandom(seed);
                    Dek[] keys = {Dek.generate(), Dek.generate(), dek};
                    for (int i = 0; i < 500; i++) {
                        Dek k = keys[rnd.nextInt(keys.length)];
                        BlockAddress where = new BlockAddress(at.volumeId(), rnd.nextInt(1000));
                        byte[] p = new byte[rnd.nextInt(9000)];
                        rnd.nextBytes(p);
                        assertArrayEquals(p, sealer.open(k, where, sealer.seal(k, where, p)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : results) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static ByteBuffer alloc(boolean direct, int size) {
        return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }
}
