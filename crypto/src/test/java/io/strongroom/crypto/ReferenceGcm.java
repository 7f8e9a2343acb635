package io.strongroom.crypto;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * An independent implementation of the sealed block format for tests: BouncyCastle's lightweight
 * AES-GCM (not the JDK's), with header and AAD built here from docs/FORMAT.md, not from
 * {@link SealedBlockLayout}'s helpers.
 */
final class ReferenceGcm {

    private ReferenceGcm() {}

    /** Plain AES-GCM with BouncyCastle: returns ciphertext || tag. */
    static byte[] encrypt(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) {
        return run(true, key, nonce, aad, plaintext);
    }

    /** Plain AES-GCM with BouncyCastle: input is ciphertext || tag; throws IllegalStateException on a bad tag. */
    static byte[] decrypt(byte[] key, byte[] nonce, byte[] aad, byte[] ciphertextAndTag) {
        return run(false, key, nonce, aad, ciphertextAndTag);
    }

    private static byte[] run(boolean encrypt, byte[] key, byte[] nonce, byte[] aad, byte[] input) {
        GCMModeCipher gcm = GCMBlockCipher.newInstance(AESEngine.newInstance());
        gcm.init(encrypt, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
        byte[] out = new byte[gcm.getOutputSize(input.length)];
        int n = gcm.processBytes(input, 0, input.length, out, 0);
        try {
            n += gcm.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("BouncyCastle: " + e.getMessage(), e);
        }
        if (n != out.length) {
            throw new IllegalStateException("BouncyCastle wrote " + n + " of " + out.length);
        }
        return out;
    }

    /** The 32-byte header per docs/FORMAT.md. */
    static byte[] header(DekId dekId, byte[] nonce) {
        ByteBuffer h = ByteBuffer.allocate(32);
        h.put((byte) 1).put(new byte[3]).put(dekId.toBytes()).put(nonce);
        return h.array();
    }

    /** The 64-byte AAD per docs/FORMAT.md: header || volume id (msb, lsb) || block number || 8 zeros, big-endian. */
    static byte[] aad(byte[] header, BlockAddress at) {
        ByteBuffer a = ByteBuffer.allocate(64);
        a.put(header)
                .putLong(at.volumeId().getMostSignificantBits())
                .putLong(at.volumeId().getLeastSignificantBits())
                .putLong(at.blockNumber())
                .putLong(0L);
        return a.array();
    }

    /** A whole sealed block made by BouncyCastle. */
    static byte[] seal(byte[] key, DekId dekId, byte[] nonce, BlockAddress at, byte[] plaintext) {
        byte[] header = header(dekId, nonce);
        byte[] body = encrypt(key, nonce, aad(header, at), plaintext);
        return ByteBuffer.allocate(header.length + body.length)
                .put(header)
                .put(body)
                .array();
    }

    /** Opens a sealed block with BouncyCastle, reading the nonce from its header. */
    static byte[] open(byte[] key, BlockAddress at, byte[] sealed) {
        byte[] header = Arrays.copyOfRange(sealed, 0, 32);
        byte[] nonce = Arrays.copyOfRange(sealed, 20, 32);
        return decrypt(key, nonce, aad(header, at), Arrays.copyOfRange(sealed, 32, sealed.length));
    }
}
