package io.strongroom.crypto.bench;

import java.security.DrbgParameters;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Why the sealer fetches nonces in batches: the cost of one 12-byte nonce straight from a DRBG
 * call versus amortised over a 256-nonce (3 KiB) refill, as ThreadGcm does. Nanoseconds per nonce.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NonceBenchmark {

    private static final int BATCH = 256;

    private SecureRandom drbg;
    private final byte[] one = new byte[12];
    private final byte[] batch = new byte[12 * BATCH];
    private int next = batch.length;

    @Setup
    public void drbg() throws GeneralSecurityException {
        drbg = SecureRandom.getInstance(
                "DRBG", DrbgParameters.instantiation(256, DrbgParameters.Capability.NONE, null));
    }

    @Benchmark
    public byte[] perCall() {
        drbg.nextBytes(one);
        return one;
    }

    @Benchmark
    public byte[] batched() {
        if (next == batch.length) {
            drbg.nextBytes(batch);
            next = 0;
        }
        System.arraycopy(batch, next, one, 0, 12);
        next += 12;
        return one;
    }
}
