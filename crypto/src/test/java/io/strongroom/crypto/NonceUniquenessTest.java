package io.strongroom.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Many threads sealing with one DEK: every nonce taken from the sealed output is distinct. */
class NonceUniquenessTest {

    private record Nonce(long high, int low) {
        static Nonce of(byte[] sealed) {
            ByteBuffer b = ByteBuffer.wrap(sealed, SealedBlockLayout.NONCE_OFFSET, SealedBlockLayout.NONCE_LENGTH);
            return new Nonce(b.getLong(), b.getInt());
        }
    }

    @Test
    void noNonceRepeatsAcrossThreadsWithOneKey() throws Exception {
        int threads = 16;
        int perThread = 20_000;
        Dek dek = Dek.generate();
        BlockSealer sealer = BlockSealer.create();
        BlockAddress at = new BlockAddress(UUID.randomUUID(), 9);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Callable<List<Nonce>>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                tasks.add(() -> {
                    start.await();
                    List<Nonce> mine = new ArrayList<>(perThread);
                    for (int i = 0; i < perThread; i++) {
                        mine.add(Nonce.of(sealer.seal(dek, at, new byte[0])));
                    }
                    return mine;
                });
            }
            List<Future<List<Nonce>>> results = new ArrayList<>();
            for (Callable<List<Nonce>> task : tasks) {
                results.add(pool.submit(task));
            }
            start.countDown();
            Set<Nonce> all = new HashSet<>();
            for (Future<List<Nonce>> f : results) {
                all.addAll(f.get());
            }
            assertEquals((long) threads * perThread, all.size(), "a nonce repeated");
            assertEquals((long) threads * perThread, dek.invocations());
            assertTrue(all.stream().noneMatch(n -> n.high() == 0 && n.low() == 0), "an all-zero nonce");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void consecutiveNoncesOfOneThreadLookRandomNotCounted() {
        Dek dek = Dek.generate();
        BlockSealer sealer = BlockSealer.create();
        BlockAddress at = new BlockAddress(UUID.randomUUID(), 0);
        int ones = 0;
        int samples = 2000;
        for (int i = 0; i < samples; i++) {
            Nonce n = Nonce.of(sealer.seal(dek, at, new byte[0]));
            ones += Long.bitCount(n.high()) + Integer.bitCount(n.low());
        }
        double fraction = ones / (96.0 * samples);
        assertTrue(fraction > 0.48 && fraction < 0.52, "share of one bits " + fraction);
    }
}
