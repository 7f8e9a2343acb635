package io.strongroom.crypto.bench;

import io.strongroom.crypto.BlockAddress;
import io.strongroom.crypto.BlockSealer;
import io.strongroom.crypto.Dek;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The seal / raw-JCA ratio measured for a shared machine: the contenders run interleaved in short
 * slices, each timed in this thread's CPU time (as `openssl speed` times itself), so other
 * processes on the core neither slow one contender more than another nor deflate the figures.
 * Prints a markdown table of the median of 8 slices of 100 ms CPU each. Run by bench/crypto.sh.
 */
public final class InterleavedCpuTimeBench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long SLICE_NANOS = 100_000_000L;
    private static final int WARM_UP_ROUNDS = 4;
    private static final int ROUNDS = 8;

    private interface Op {
        void run() throws GeneralSecurityException;
    }

    private InterleavedCpuTimeBench() {
    }

    public static void main(String[] args) throws GeneralSecurityException {
        String jdk = System.getProperty("java.specification.version");
        System.out.println("| JDK | block | seal heap MB/s | seal direct MB/s | open heap MB/s | raw JCA heap MB/s"
                + " | raw JCA direct MB/s | seal / raw JCA |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (int size : new int[] {4096, 8192, 65536}) {
            double[] mbps = measure(size);
            System.out.printf(Locale.US, "| %s | %d KiB | %.0f | %.0f | %.0f | %.0f | %.0f | %.2f |%n", jdk, size / 1024,
                    mbps[0], mbps[1], mbps[2], mbps[3], mbps[4], mbps[0] / mbps[3]);
        }
    }

    private static double[] measure(int size) throws GeneralSecurityException {
        BlockSealer sealer = BlockSealer.create();
        Dek dek = Dek.generate();
        BlockAddress at = new BlockAddress(UUID.randomUUID(), 7);
        byte[] p = new byte[size];
        new SplittableRandom(size).nextBytes(p);
        ByteBuffer heapIn = ByteBuffer.wrap(p);
        ByteBuffer heapOut = ByteBuffer.allocate(BlockSealer.sealedSize(size));
        ByteBuffer directIn = ByteBuffer.allocateDirect(size).put(p).flip();
        ByteBuffer directOut = ByteBuffer.allocateDirect(BlockSealer.sealedSize(size));
        ByteBuffer sealed = ByteBuffer.allocate(BlockSealer.sealedSize(size));
        sealer.seal(dek, at, heapIn.duplicate(), sealed);
        sealed.flip();
        ByteBuffer opened = ByteBuffer.allocate(size);

        Cipher raw = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] key = new byte[32];
        new SplittableRandom(1).nextBytes(key);
        SecretKeySpec rawKey = new SecretKeySpec(key, "AES");
        byte[] iv = new byte[12];
        long[] counter = {0};
        Op rawInit = () -> {
            long n = ++counter[0];
            for (int i = 0; i < 8; i++) {
                iv[4 + i] = (byte) (n >>> (8 * i));
            }
            raw.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, iv));
        };
        Op[] ops = {
            () -> sealer.seal(dek, at, heapIn.clear(), heapOut.clear()),
            () -> sealer.seal(dek, at, directIn.clear(), directOut.clear()),
            () -> sealer.open(dek, at, sealed.rewind(), opened.clear()),
            () -> {
                rawInit.run();
                raw.doFinal(heapIn.clear(), heapOut.clear());
            },
            () -> {
                rawInit.run();
                raw.doFinal(directIn.clear(), directOut.clear());
            },
        };
        double[][] samples = new double[ops.length][ROUNDS];
        for (int round = 0; round < WARM_UP_ROUNDS + ROUNDS; round++) {
            for (int i = 0; i < ops.length; i++) {
                double mbps = slice(ops[i], size);
                if (round >= WARM_UP_ROUNDS) {
                    samples[i][round - WARM_UP_ROUNDS] = mbps;
                }
            }
        }
        double[] medians = new double[ops.length];
        for (int i = 0; i < ops.length; i++) {
            Arrays.sort(samples[i]);
            medians[i] = (samples[i][ROUNDS / 2 - 1] + samples[i][ROUNDS / 2]) / 2;
        }
        return medians;
    }

    /** Runs {@code op} for one slice of CPU time; MB/s (10^6 bytes) of payload. */
    private static double slice(Op op, int size) throws GeneralSecurityException {
        long start = THREADS.getCurrentThreadCpuTime();
        long ops = 0;
        long elapsed;
        do {
            for (int i = 0; i < 16; i++) {
                op.run();
            }
            ops += 16;
            elapsed = THREADS.getCurrentThreadCpuTime() - start;
        } while (elapsed < SLICE_NANOS);
        return ops * (double) size * 1000.0 / elapsed;
    }
}
