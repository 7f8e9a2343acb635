package io.strongroom.crypto;

import static io.strongroom.crypto.SealedBlockLayout.HEADER_LENGTH;
import static io.strongroom.crypto.SealedBlockLayout.NONCE_LENGTH;
import static io.strongroom.crypto.SealedBlockLayout.NONCE_OFFSET;
import static io.strongroom.crypto.SealedBlockLayout.OVERHEAD;
import static io.strongroom.crypto.SealedBlockLayout.TAG_LENGTH;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals and opens blocks with AES-256-GCM (96-bit random nonce, 128-bit tag) in the layout of
 * {@link SealedBlockLayout}. Thread-safe: share one instance; each thread uses its own Cipher.
 *
 * <p>Arrays and heap buffers are encrypted straight from the caller's memory into the output. Direct
 * (and read-only) buffers of blocks up to 256 KiB are copied through per-thread staging arrays,
 * because the JDK's AES-GCM runs at less than half speed on direct buffers and the two copies cost
 * far less than that (see docs/PERFORMANCE.md, "crypto"). Input and output must not overlap.
 */
public final class BlockSealer {

    private static final int TAG_BITS = TAG_LENGTH * 8;
    private static final BlockSealer INSTANCE = new BlockSealer();

    private BlockSealer() {}

    /** The sealer. All state is per thread, so every caller may share this one instance. */
    public static BlockSealer create() {
        return INSTANCE;
    }

    /** Bytes a sealed block takes for a plaintext of {@code plaintextLength}: plaintext + 48. */
    public static int sealedSize(int plaintextLength) {
        if (plaintextLength < 0 || plaintextLength > Integer.MAX_VALUE - OVERHEAD) {
            throw new IllegalArgumentException("plaintext length out of range: " + plaintextLength);
        }
        return plaintextLength + OVERHEAD;
    }

    public byte[] seal(Dek dek, BlockAddress at, byte[] plaintext) {
        return seal(dek, at, plaintext, 0, plaintext.length);
    }

    public byte[] seal(Dek dek, BlockAddress at, byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        byte[] out = new byte[sealedSize(len)];
        ThreadGcm gcm = beginSeal(dek, at);
        System.arraycopy(gcm.aad, 0, out, 0, HEADER_LENGTH);
        try {
            gcm.cipher.doFinal(src, off, len, out, HEADER_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
        return out;
    }

    /**
     * Seals {@code plaintext} (position to limit) into {@code sealedOut} at its position; both
     * buffers advance. Heap or direct. Returns the bytes written, {@link #sealedSize(int)}.
     */
    public int seal(Dek dek, BlockAddress at, ByteBuffer plaintext, ByteBuffer sealedOut) {
        int len = plaintext.remaining();
        int size = sealedSize(len);
        if (sealedOut.remaining() < size) {
            throw new IllegalArgumentException("sealedOut has " + sealedOut.remaining() + " bytes left, needs " + size);
        }
        ThreadGcm gcm = beginSeal(dek, at);
        sealedOut.put(gcm.aad, 0, HEADER_LENGTH);
        try {
            if (viaArrays(plaintext, sealedOut, len + TAG_LENGTH)) {
                return HEADER_LENGTH + gcm.cipher.doFinal(plaintext, sealedOut);
            }
            return HEADER_LENGTH + cryptStaged(gcm, plaintext, len, sealedOut, len + TAG_LENGTH);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Opens a sealed block; throws {@link BlockIntegrityException} unless it authenticates at {@code at} under {@code dek}. */
    public byte[] open(Dek dek, BlockAddress at, byte[] sealed) {
        int len = checkedPlaintextLength(at, sealed.length);
        ThreadGcm gcm = ThreadGcm.current();
        System.arraycopy(sealed, 0, gcm.aad, 0, HEADER_LENGTH);
        beginOpen(gcm, dek, at);
        byte[] out = new byte[len];
        try {
            gcm.cipher.doFinal(sealed, HEADER_LENGTH, len + TAG_LENGTH, out, 0);
        } catch (AEADBadTagException e) {
            Arrays.fill(out, (byte) 0);
            throw new BlockIntegrityException(at, "authentication tag mismatch");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
        return out;
    }

    /**
     * Opens the sealed block in {@code sealed} (position to limit) into {@code plaintextOut} at its
     * position; both advance on success. On failure nothing usable is left in {@code plaintextOut}.
     * Returns the plaintext length.
     */
    public int open(Dek dek, BlockAddress at, ByteBuffer sealed, ByteBuffer plaintextOut) {
        int len = checkedPlaintextLength(at, sealed.remaining());
        if (plaintextOut.remaining() < len) {
            throw new IllegalArgumentException(
                    "plaintextOut has " + plaintextOut.remaining() + " bytes left, needs " + len);
        }
        ThreadGcm gcm = ThreadGcm.current();
        int sealedStart = sealed.position();
        int outStart = plaintextOut.position();
        sealed.get(gcm.aad, 0, HEADER_LENGTH);
        try {
            beginOpen(gcm, dek, at);
            if (viaArrays(sealed, plaintextOut, len + TAG_LENGTH)) {
                return gcm.cipher.doFinal(sealed, plaintextOut);
            }
            return cryptStaged(gcm, sealed, len + TAG_LENGTH, plaintextOut, len);
        } catch (AEADBadTagException e) {
            sealed.position(sealedStart);
            wipe(plaintextOut, outStart, len);
            throw new BlockIntegrityException(at, "authentication tag mismatch");
        } catch (GeneralSecurityException e) {
            sealed.position(sealedStart);
            wipe(plaintextOut, outStart, len);
            throw new IllegalStateException("AES-GCM decryption failed", e);
        } catch (RuntimeException e) {
            sealed.position(sealedStart);
            throw e;
        }
    }

    /**
     * Clears the calling thread's JCA state of the last DEK it used: the provider keeps a copy of
     * that key and its expanded schedule in the thread's Cipher until the Cipher is re-keyed. Call
     * it on each thread that used a DEK after destroying that DEK when the residue must not wait for
     * the thread's next seal or open (which re-keys too). Cheap: one AES key expansion.
     */
    public void scrubThreadState() {
        ThreadGcm.current().scrub();
    }

    /**
     * The id of the DEK whose key material the calling thread's Cipher still holds (the last DEK this thread
     * sealed or opened with), or empty when it holds none: never used, or scrubbed since. Not secret (an id is
     * not a key); it lets a holder check that the threads that used a destroyed DEK no longer keep its residue.
     */
    public Optional<DekId> keyResidue() {
        return Optional.ofNullable(ThreadGcm.current().keyedWith());
    }

    /** Reserves an invocation, builds header and AAD in the thread's scratch, and initialises the Cipher. */
    private static ThreadGcm beginSeal(Dek dek, BlockAddress at) {
        Objects.requireNonNull(at, "at");
        dek.reserveInvocation();
        ThreadGcm gcm = ThreadGcm.current();
        byte[] aad = gcm.aad;
        SealedBlockLayout.writeHeaderPrefix(aad, dek.id());
        gcm.nextNonce(aad, NONCE_OFFSET);
        SealedBlockLayout.writeAddress(aad, at);
        init(gcm, Cipher.ENCRYPT_MODE, dek);
        return gcm;
    }

    /** Checks the header already copied into the thread's AAD scratch, completes the AAD, initialises the Cipher. */
    private static void beginOpen(ThreadGcm gcm, Dek dek, BlockAddress at) {
        Objects.requireNonNull(at, "at");
        dek.checkNotDestroyed();
        byte[] aad = gcm.aad;
        if (aad[SealedBlockLayout.VERSION_OFFSET] != SealedBlockLayout.FORMAT_VERSION) {
            throw new BlockIntegrityException(
                    at, "unknown format version " + (aad[SealedBlockLayout.VERSION_OFFSET] & 0xff));
        }
        if (!dek.id().matches(aad, SealedBlockLayout.DEK_ID_OFFSET)) {
            throw new BlockIntegrityException(
                    at, "sealed under DEK " + DekId.readAt(aad, SealedBlockLayout.DEK_ID_OFFSET) + ", not " + dek.id());
        }
        SealedBlockLayout.writeAddress(aad, at);
        init(gcm, Cipher.DECRYPT_MODE, dek);
    }

    private static void init(ThreadGcm gcm, int mode, Dek dek) {
        gcm.keying(dek.id()); // before the provider takes the key: a failed init may still leave residue
        try {
            gcm.cipher.init(
                    mode, dek.providerKey(), new GCMParameterSpec(TAG_BITS, gcm.aad, NONCE_OFFSET, NONCE_LENGTH));
        } catch (InvalidKeyException e) {
            // The provider reports a key that vanished under it (destroyed concurrently) as an invalid key.
            dek.checkNotDestroyed();
            throw new IllegalStateException("AES-256 key rejected by the JCA provider", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM parameters rejected by the JCA provider", e);
        }
        gcm.cipher.updateAAD(gcm.aad);
    }

    /** True when the JCA should get the buffers as they are: both are arrays, or the block is too big to stage. */
    private static boolean viaArrays(ByteBuffer in, ByteBuffer out, int stagedLength) {
        return in.hasArray() && out.hasArray() || stagedLength > ThreadGcm.MAX_STAGED;
    }

    /**
     * doFinal through arrays for direct (or read-only) buffers: copies a non-array input into the
     * thread's staging array and, for a non-array output, encrypts into the other staging array and
     * copies the result out. Both buffers advance as with doFinal(ByteBuffer, ByteBuffer).
     */
    private static int cryptStaged(ThreadGcm gcm, ByteBuffer in, int inLength, ByteBuffer out, int outLength)
            throws GeneralSecurityException {
        byte[] inArray;
        int inOffset;
        if (in.hasArray()) {
            inArray = in.array();
            inOffset = in.arrayOffset() + in.position();
        } else {
            inArray = gcm.stageIn(inLength);
            inOffset = 0;
            in.get(in.position(), inArray, 0, inLength);
        }
        int n;
        if (out.hasArray()) {
            n = gcm.cipher.doFinal(inArray, inOffset, inLength, out.array(), out.arrayOffset() + out.position());
            out.position(out.position() + n);
        } else {
            byte[] staged = gcm.stageOut(outLength);
            n = gcm.cipher.doFinal(inArray, inOffset, inLength, staged, 0);
            out.put(staged, 0, n);
        }
        in.position(in.position() + inLength);
        return n;
    }

    private static int checkedPlaintextLength(BlockAddress at, int sealedLength) {
        int len = SealedBlockLayout.plaintextLength(sealedLength);
        if (len < 0) {
            throw new BlockIntegrityException(
                    at,
                    "sealed block of " + sealedLength + " bytes is shorter than the " + OVERHEAD + "-byte overhead");
        }
        return len;
    }

    private static void wipe(ByteBuffer buf, int from, int len) {
        for (int i = 0; i < len; i++) {
            buf.put(from + i, (byte) 0);
        }
        buf.position(from);
    }
}
