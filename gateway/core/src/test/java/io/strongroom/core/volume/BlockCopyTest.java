package io.strongroom.core.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The plaintext copy loop on its own: every non-zero block lands at its own address, zero blocks are skipped into an
 * empty target and trimmed in any other, progress adds up, and a failure stops the copy with that failure.
 */
class BlockCopyTest {
    static final int BS = 16;

    /** 100 blocks, every third zero, the others random. */
    private static byte[][] source() {
        Random random = new Random(7);
        byte[][] blocks = new byte[100][BS];
        for (int n = 0; n < blocks.length; n++) {
            if (n % 3 != 0) {
                random.nextBytes(blocks[n]);
                blocks[n][0] = 1;
            }
        }
        return blocks;
    }

    private static Future<Buffer> read(byte[][] blocks, long first, int count) {
        Buffer b = Buffer.buffer();
        for (int i = 0; i < count; i++) {
            b.appendBytes(blocks[(int) first + i]);
        }
        return Future.succeededFuture(b);
    }

    /** A target that keeps what was written and which blocks were trimmed. */
    static final class Recorder implements BlockCopy.Target {
        final ConcurrentHashMap<Long, byte[]> written = new ConcurrentHashMap<>();
        final List<Long> trimmed = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Future<Void> write(long first, Buffer plaintext) {
            for (int i = 0; i < plaintext.length() / BS; i++) {
                written.put(first + i, plaintext.getBytes(i * BS, (i + 1) * BS));
            }
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> trim(long first, long count) {
            for (long n = first; n < first + count; n++) {
                trimmed.add(n);
            }
            return Future.succeededFuture();
        }
    }

    @Test
    void nonZeroBlocksLandAtTheirAddressesAndZeroBlocksAreSkippedOrTrimmed() {
        byte[][] blocks = source();
        for (boolean empty : new boolean[] {true, false}) {
            Recorder target = new Recorder();
            AtomicInteger reports = new AtomicInteger();
            BlockCopy.Progress done = Await.result(new BlockCopy(BS, 7, 3, empty)
                    .copy(0, 100, (f, c) -> read(blocks, f, c), target, p -> reports.incrementAndGet()));
            assertEquals(new BlockCopy.Progress(100, 66, 100), done);
            assertEquals(15, reports.get(), "one report per run of 7");
            assertEquals(66, target.written.size());
            for (int n = 0; n < 100; n++) {
                if (n % 3 != 0) {
                    assertArrayEquals(blocks[n], target.written.get((long) n), "block " + n);
                }
            }
            assertEquals(empty ? 0 : 34, target.trimmed.size());
            assertTrue(target.trimmed.stream().allMatch(n -> n % 3 == 0));
        }
    }

    @Test
    void aRangeInsideTheVolumeAndTheFirstFailureStopTheCopy() {
        byte[][] blocks = source();
        Recorder target = new Recorder();
        BlockCopy.Progress part =
                Await.result(new BlockCopy(BS, 4, 2, true).copy(10, 5, (f, c) -> read(blocks, f, c), target, p -> {}));
        assertEquals(5, part.total());
        assertEquals(java.util.Set.of(10L, 11L, 13L, 14L), target.written.keySet());

        AtomicInteger reads = new AtomicInteger();
        IllegalStateException failure = new IllegalStateException("disk on fire");
        Throwable thrown = Await.failure(new BlockCopy(BS, 4, 1, true)
                .copy(
                        0,
                        100,
                        (f, c) -> reads.incrementAndGet() == 3 ? Future.failedFuture(failure) : read(blocks, f, c),
                        new Recorder(),
                        p -> {}));
        assertEquals(failure, thrown);
        assertEquals(3, reads.get(), "no run is started after the failure");
        assertThrows(IllegalArgumentException.class, () -> new BlockCopy(0, 1, 1, true));
    }
}
