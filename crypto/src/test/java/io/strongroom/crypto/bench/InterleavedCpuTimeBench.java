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
 * Seal and open against the raw JCA loops they are built on, measured for a shared machine: the
 * contenders run interleaved in short slices, each timed in this thread's CPU time (as `openssl
 * speed` times itself), so other processes on the core neither slow one contender more than another
 * nor deflate the figures. Prints a markdown table of the median of 8 slices of 100 ms CPU each.
 * Run by bench/crypto.sh; arguments, if any, are the block sizes (default 4096 8192 65536).
 */
public final class InterleavedCpuTimeBench {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long SLICE_NANOS = 100_000_000L;
    private static final int WARM_UP_ROUNDS = 4;
    private static final int ROUNDS = 8;
    private static final String[] NAMES = {
        "seal heap",
        "seal direct",
        "open heap",
        "raw JCA heap",
        "raw JCA direct",
        "open byte[]",
        "open direct",
        "raw JCA decrypt heap",
        "raw JCA decrypt byte[]"
    };
    private static final int SEAL_HEAP = 0;
    private static final int OPEN_HEAP = 2;
    private static final int RAW_HEAP = 3;
    private static final int RAW_DECRYPT_HEAP = 7;

    private interface Op {
        void run() throws GeneralSecurityException;
    }

    private InterleavedCpuTimeBench() {}

    public static void main(String[] args) throws GeneralSecurityException {
        int[] sizes = args.length == 0
                ? new int[] {4096, 8192, 65536}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        String jdk = System.getProperty("java.specification.version");
        // The first columns keep their places: bench/crypto.sh reads "seal heap" as the 4th field.
        StringBuilder head = new StringBuilder("| JDK | block |");
        StringBuilder rule = new StringBuilder("|---|---|");
        for (String name : NAMES) {
            head.append(' ').append(name).append(" MB/s |");
            rule.append("---|");
        }
        System.out.println(head + " seal / raw JCA | open / seal | open / raw JCA decrypt |");
        System.out.println(rule + "---|---|---|");
        for (int size : sizes) {
            double[] mbps = measure(size);
            StringBuilder row = new StringBuilder(String.format(Locale.US, "| %s | %d KiB |", jdk, size / 1024));
            for (double v : mbps) {
                row.append(String.format(Locale.US, " %.0f |", v));
            }
            row.append(String.format(
                    Locale.US,
                    " %.2f | %.2f | %.2f |",
                    mbps[SEAL_HEAP] / mbps[RAW_HEAP],
                    mbps[OPEN_HEAP] / mbps[SEAL_HEAP],
                    mbps[OPEN_HEAP] / mbps[RAW_DECRYPT_HEAP]));
            System.out.println(row);
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
        byte[] sealedArray = sealer.seal(dek, at, p);
        ByteBuffer sealed = ByteBuffer.wrap(sealedArray);
        ByteBuffer sealedDirect =
                ByteBuffer.allocateDirect(sealedArray.length).put(sealedArray).flip();
        ByteBuffer opened = ByteBuffer.allocate(size);
        ByteBuffer openedDirect = ByteBuffer.allocateDirect(size);

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
        // Decryption may repeat an IV (the JCA only refuses that for encryption): one ciphertext, opened again and
        // again.
        Cipher rawDec = Cipher.getInstance("AES/GCM/NoPadding");
        GCMParameterSpec decIv = new GCMParameterSpec(128, new byte[12]);
        rawDec.init(Cipher.ENCRYPT_MODE, rawKey, decIv);
        byte[] rawSealed = rawDec.doFinal(p);
        ByteBuffer rawSealedBuf = ByteBuffer.wrap(rawSealed);
        byte[] rawOpened = new byte[size];
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
            () -> sealer.open(dek, at, sealedArray),
            () -> sealer.open(dek, at, sealedDirect.rewind(), openedDirect.clear()),
            () -> {
                rawDec.init(Cipher.DECRYPT_MODE, rawKey, decIv);
                rawDec.doFinal(rawSealedBuf.rewind(), opened.clear());
            },
            () -> {
                rawDec.init(Cipher.DECRYPT_MODE, rawKey, decIv);
                rawDec.doFinal(rawSealed, 0, rawSealed.length, rawOpened, 0);
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
