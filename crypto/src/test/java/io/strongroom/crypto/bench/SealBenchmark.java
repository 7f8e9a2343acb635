package io.strongroom.crypto.bench;

import io.strongroom.crypto.BlockAddress;
import io.strongroom.crypto.BlockSealer;
import io.strongroom.crypto.Dek;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Seal and open throughput against the raw JCA loop they are built on (Cipher.init + doFinal per
 * block, fresh IV each time, no AAD): the gap is the sealer's own cost (nonce, header, AAD,
 * counting). One thread; run pinned to one core by bench/crypto.sh. Scores are blocks per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SealBenchmark {

    @Param({"4096", "8192", "65536"})
    public int size;

    private final BlockSealer sealer = BlockSealer.create();
    private final BlockAddress at = new BlockAddress(UUID.randomUUID(), 1234);
    private Dek dek;
    private ByteBuffer plaintext;
    private ByteBuffer sealedOut;
    private ByteBuffer sealedIn;
    private ByteBuffer plaintextOut;
    private ByteBuffer directPlaintext;
    private ByteBuffer directSealedOut;

    private Cipher rawCipher;
    private SecretKeySpec rawKey;
    private final byte[] rawIv = new byte[12];
    private long rawCounter;

    @Setup(Level.Trial)
    public void buffers() throws GeneralSecurityException {
        byte[] p = new byte[size];
        new SplittableRandom(size).nextBytes(p);
        plaintext = ByteBuffer.wrap(p);
        sealedOut = ByteBuffer.allocate(BlockSealer.sealedSize(size));
        plaintextOut = ByteBuffer.allocate(size);
        directPlaintext = ByteBuffer.allocateDirect(size).put(p).flip();
        directSealedOut = ByteBuffer.allocateDirect(BlockSealer.sealedSize(size));
        rawCipher = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] k = new byte[32];
        new SplittableRandom(1).nextBytes(k);
        rawKey = new SecretKeySpec(k, "AES");
    }

    /** A fresh DEK per iteration keeps long runs far from the invocation limit. */
    @Setup(Level.Iteration)
    public void freshDek() {
        dek = Dek.generate();
        ByteBuffer out = ByteBuffer.allocate(BlockSealer.sealedSize(size));
        sealer.seal(dek, at, plaintext.clear(), out);
        sealedIn = out.flip();
    }

    @Benchmark
    public int seal() {
        return sealer.seal(dek, at, plaintext.clear(), sealedOut.clear());
    }

    @Benchmark
    public int sealDirect() {
        return sealer.seal(dek, at, directPlaintext.clear(), directSealedOut.clear());
    }

    @Benchmark
    public int open() {
        return sealer.open(dek, at, sealedIn.rewind(), plaintextOut.clear());
    }

    /** The baseline: what any JCA AES-GCM user pays per block (GCM forbids reusing an IV, so each block gets a new one). */
    @Benchmark
    public int rawJcaGcm() throws GeneralSecurityException {
        long n = ++rawCounter;
        for (int i = 0; i < 8; i++) {
            rawIv[4 + i] = (byte) (n >>> (8 * i));
        }
        rawCipher.init(Cipher.ENCRYPT_MODE, rawKey, new GCMParameterSpec(128, rawIv));
        return rawCipher.doFinal(plaintext.clear(), sealedOut.clear());
    }
}
