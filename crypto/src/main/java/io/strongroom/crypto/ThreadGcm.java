package io.strongroom.crypto;

import java.nio.charset.StandardCharsets;
import java.security.DrbgParameters;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The per-thread working state of {@link BlockSealer}: one AES/GCM Cipher (re-initialised per
 * block, never constructed per call), the AAD scratch array, and this thread's nonce source.
 *
 * <p>Nonces are 96 random bits from a DRBG instance owned by this thread (SP 800-38D §8.2.2, the
 * RBG-based construction), seeded by the JDK from the system entropy source. Drawing them in
 * batches of {@value #NONCES_PER_BATCH} amortises the DRBG's per-call cost; the batch is only ever
 * read forwards, so a nonce is handed out once. Confined to its thread: no locking.
 */
final class ThreadGcm {

    /**
     * Largest ciphertext staged through heap arrays when a caller passes direct buffers. The JDK's
     * AES-GCM is much slower on direct buffers than on arrays (measured 2.9 vs 6.4 GB/s on JDK 25,
     * 3.0 vs 3.8 GB/s on JDK 17; docs/PERFORMANCE.md), so copying in and out is the faster path.
     * Larger blocks go to the JCA as they are rather than pinning big arrays to every thread.
     */
    static final int MAX_STAGED = 256 * 1024 + SealedBlockLayout.TAG_LENGTH;

    /** Nonces fetched from the DRBG per refill (3 KiB). */
    static final int NONCES_PER_BATCH = 256;

    private static final ThreadLocal<ThreadGcm> CURRENT = ThreadLocal.withInitial(ThreadGcm::new);

    final Cipher cipher;
    final byte[] aad = new byte[SealedBlockLayout.AAD_LENGTH];
    private final SecureRandom drbg;
    private final byte[] nonces = new byte[SealedBlockLayout.NONCE_LENGTH * NONCES_PER_BATCH];
    private int nextNonce = nonces.length;
    private byte[] stageIn = new byte[0];
    private byte[] stageOut = new byte[0];
    /** The DEK the Cipher was last keyed with (its residue), null when never keyed or scrubbed since. */
    private DekId keyedWith;

    private ThreadGcm() {
        try {
            cipher = Cipher.getInstance("AES/GCM/NoPadding");
            // The personalisation string only separates instances; the seed comes from the system source.
            byte[] personalisation = ("strongroom-nonce/"
                            + Thread.currentThread().getId() + "/" + System.nanoTime())
                    .getBytes(StandardCharsets.US_ASCII);
            drbg = SecureRandom.getInstance(
                    "DRBG", DrbgParameters.instantiation(256, DrbgParameters.Capability.NONE, personalisation));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM lacks AES/GCM/NoPadding or DRBG", e);
        }
    }

    static ThreadGcm current() {
        return CURRENT.get();
    }

    /**
     * Re-initialises this thread's Cipher with a throwaway key. The JDK provider zeroes its copy of
     * the previous key and the previous expanded key schedule when it is re-keyed, which is the only
     * way to clear them: the JCA offers no destroy for a Cipher.
     */
    void scrub() {
        keyedWith = null;
        byte[] throwaway = new byte[Dek.KEY_LENGTH];
        byte[] iv = new byte[SealedBlockLayout.NONCE_LENGTH];
        drbg.nextBytes(throwaway);
        drbg.nextBytes(iv);
        try {
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(throwaway, "AES"), new GCMParameterSpec(128, iv));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM re-initialisation failed", e);
        }
    }

    /** Records that the Cipher is about to be keyed with {@code dek}: from then on it holds that key's residue. */
    void keying(DekId dek) {
        keyedWith = dek;
    }

    /** The DEK whose key the Cipher still holds, or null (never keyed, or scrubbed since). */
    DekId keyedWith() {
        return keyedWith;
    }

    /** This thread's input staging array, at least {@code length} bytes (at most {@link #MAX_STAGED}). */
    byte[] stageIn(int length) {
        if (stageIn.length < length) {
            stageIn = new byte[length];
        }
        return stageIn;
    }

    /** This thread's output staging array, at least {@code length} bytes (at most {@link #MAX_STAGED}). */
    byte[] stageOut(int length) {
        if (stageOut.length < length) {
            stageOut = new byte[length];
        }
        return stageOut;
    }

    /** Writes a fresh 12-byte nonce at {@code dst[offset]}. */
    void nextNonce(byte[] dst, int offset) {
        if (nextNonce == nonces.length) {
            drbg.nextBytes(nonces);
            nextNonce = 0;
        }
        System.arraycopy(nonces, nextNonce, dst, offset, SealedBlockLayout.NONCE_LENGTH);
        nextNonce += SealedBlockLayout.NONCE_LENGTH;
    }
}
