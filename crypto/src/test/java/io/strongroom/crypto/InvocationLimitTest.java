package io.strongroom.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class InvocationLimitTest {

    private final BlockSealer sealer = BlockSealer.create();
    private final BlockAddress at = new BlockAddress(UUID.randomUUID(), 0);

    @Test
    void theLimitIsBelowTheSp80038dBoundWithMargin() {
        assertEquals(1L << 30, Dek.INVOCATION_LIMIT);
    }

    @Test
    void sealingStopsExactlyAtTheLimit() {
        Dek dek = Dek.adopt(DekId.random(), new byte[32], Dek.INVOCATION_LIMIT - 2);
        sealer.seal(dek, at, new byte[8]);
        assertEquals(1, dek.remainingInvocations());
        byte[] last = sealer.seal(dek, at, new byte[8]);
        assertEquals(0, dek.remainingInvocations());
        DekExhaustedException e = assertThrows(DekExhaustedException.class, () -> sealer.seal(dek, at, new byte[8]));
        assertEquals(
                "DEK " + dek.id() + " reached its limit of 1073741824 seals; a new DEK is required", e.getMessage());
        assertEquals(Dek.INVOCATION_LIMIT, dek.invocations());
        assertEquals(8, sealer.open(dek, at, last).length, "an exhausted DEK still opens its blocks");
    }

    @Test
    void aDekAdoptedPastTheLimitOpensButDoesNotSeal() {
        Dek dek = Dek.adopt(DekId.random(), new byte[32], Dek.INVOCATION_LIMIT + 10);
        assertEquals(0, dek.remainingInvocations());
        assertThrows(DekExhaustedException.class, () -> sealer.seal(dek, at, new byte[8]));
    }

    @Test
    void concurrentSealersCannotOvershoot() throws Exception {
        int budget = 1000;
        Dek dek = Dek.adopt(DekId.random(), new byte[32], Dek.INVOCATION_LIMIT - budget);
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                tasks.add(() -> {
                    int ok = 0;
                    for (int i = 0; i < 250; i++) {
                        try {
                            sealer.seal(dek, at, new byte[16]);
                            ok++;
                        } catch (DekExhaustedException expected) {
                            // budget spent by the others
                        }
                    }
                    return ok;
                });
            }
            int sealed = 0;
            for (Future<Integer> f : pool.invokeAll(tasks)) {
                sealed += f.get();
            }
            assertEquals(budget, sealed);
            assertEquals(Dek.INVOCATION_LIMIT, dek.invocations());
        } finally {
            pool.shutdownNow();
        }
    }
}
