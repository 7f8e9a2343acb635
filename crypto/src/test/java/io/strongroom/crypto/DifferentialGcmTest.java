package io.strongroom.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JDK's AES-GCM (through BlockSealer) against BouncyCastle's lightweight GCM, both directions,
 * for every plaintext length 0..4096 and a spread up to 1 MiB, with random keys, nonces and
 * addresses (so random AAD). Some JDK releases produced wrong AES-GCM output for some lengths once
 * the intrinsics kicked in; this is the guard, and CI runs it on JDK 17 and JDK 25.
 */
class DifferentialGcmTest {

    private static final BlockSealer SEALER = BlockSealer.create();
    private static final long SEED = System.nanoTime();

    /** The intrinsics only run in JIT-compiled code: compile the sealing path before comparing. */
    @BeforeAll
    static void warmUpJit() {
        Dek dek = Dek.generate();
        BlockAddress at = new BlockAddress(UUID.randomUUID(), 1);
        byte[] p = new byte[512];
        for (int i = 0; i < 20_000; i++) {
            SEALER.open(dek, at, SEALER.seal(dek, at, p));
        }
    }

    @Test
    void everyLengthUpTo4KiB() {
        SplittableRandom rnd = new SplittableRandom(SEED);
        for (int len = 0; len <= 4096; len++) {
            compare(rnd, len);
        }
    }

    @Test
    void spreadOfLengthsUpTo1MiB() {
        SplittableRandom rnd = new SplittableRandom(SEED ^ 0x5DEECE66DL);
        int[] edges = {8191, 8192, 8193, 16384 + 15, 65535, 65536, 65537, 131072 - 1, 1 << 20};
        for (int len : edges) {
            compare(rnd, len);
        }
        for (int i = 0; i < 24; i++) {
            compare(rnd, 4097 + rnd.nextInt((1 << 20) - 4096));
        }
    }

    /**
     * Seals with the JDK and checks BouncyCastle makes the same bytes with the same nonce and opens
     * them; then seals with BouncyCastle under a fresh nonce and opens with the JDK. The API path
     * (byte[], heap buffer, direct buffer) rotates with the length.
     */
    private static void compare(SplittableRandom rnd, int len) {
        byte[] key = new byte[Dek.KEY_LENGTH];
        byte[] plaintext = new byte[len];
        byte[] nonce = new byte[12];
        byte[] idBytes = new byte[16];
        rnd.nextBytes(key);
        rnd.nextBytes(plaintext);
        rnd.nextBytes(nonce);
        rnd.nextBytes(idBytes);
        DekId id = DekId.fromBytes(idBytes);
        Dek dek = Dek.adopt(id, key.clone(), 0);
        BlockAddress at = new BlockAddress(new UUID(rnd.nextLong(), rnd.nextLong()), rnd.nextLong() >>> 1);
        String where = "length " + len + " (seed " + SEED + ")";
        int path = len % 3;

        byte[] jdkSealed = sealWithJdk(dek, at, plaintext, path);
        byte[] jdkNonce = Arrays.copyOfRange(jdkSealed, 20, 32);
        assertArrayEquals(
                ReferenceGcm.seal(key, id, jdkNonce, at, plaintext), jdkSealed, "JDK seal differs from BC, " + where);
        assertArrayEquals(plaintext, ReferenceGcm.open(key, at, jdkSealed), "BC cannot open JDK seal, " + where);

        byte[] bcSealed = ReferenceGcm.seal(key, id, nonce, at, plaintext);
        assertArrayEquals(plaintext, openWithJdk(dek, at, bcSealed, path), "JDK cannot open BC seal, " + where);
    }

    private static byte[] sealWithJdk(Dek dek, BlockAddress at, byte[] plaintext, int path) {
        if (path == 0) {
            return SEALER.seal(dek, at, plaintext);
        }
        ByteBuffer in = buffer(path, plaintext.length).put(plaintext).flip();
        ByteBuffer out = buffer(path, BlockSealer.sealedSize(plaintext.length));
        int n = SEALER.seal(dek, at, in, out);
        assertEquals(BlockSealer.sealedSize(plaintext.length), n);
        assertEquals(0, in.remaining());
        return bytes(out.flip());
    }

    private static byte[] openWithJdk(Dek dek, BlockAddress at, byte[] sealed, int path) {
        if (path == 0) {
            return SEALER.open(dek, at, sealed);
        }
        ByteBuffer in = buffer(path, sealed.length).put(sealed).flip();
        ByteBuffer out = buffer(path, sealed.length - SealedBlockLayout.OVERHEAD);
        int n = SEALER.open(dek, at, in, out);
        assertEquals(sealed.length - SealedBlockLayout.OVERHEAD, n);
        return bytes(out.flip());
    }

    private static ByteBuffer buffer(int path, int size) {
        return path == 1 ? ByteBuffer.allocate(size) : ByteBuffer.allocateDirect(size);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
