package io.strongroom.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Published AES-256-GCM vectors, run through the JDK's AES/GCM/NoPadding (the primitive the sealer
 * uses) and through BouncyCastle, so a mistyped vector fails on both and cannot hide.
 */
class GcmKnownAnswerTest {

    record Vector(String name, String key, String iv, String aad, String plaintext, String ciphertext, String tag) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String K15 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
    private static final String P15 = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
            + "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
    private static final String P16 = P15.substring(0, 120);
    private static final String A16 = "feedfacedeadbeeffeedfacedeadbeefabaddad2";

    static Stream<Vector> vectors() {
        return Stream.of(
                // McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", test cases 13-18 (AES-256).
                new Vector(
                        "GCM spec TC13",
                        "00".repeat(32),
                        "00".repeat(12),
                        "",
                        "",
                        "",
                        "530f8afbc74536b9a963b4f1c4cb738b"),
                new Vector(
                        "GCM spec TC14",
                        "00".repeat(32),
                        "00".repeat(12),
                        "",
                        "00".repeat(16),
                        "cea7403d4d606b6e074ec5d3baf39d18",
                        "d0d1c8a799996bf0265b98b5d48ab919"),
                new Vector(
                        "GCM spec TC15",
                        K15,
                        "cafebabefacedbaddecaf888",
                        "",
                        P15,
                        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                                + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
                        "b094dac5d93471bdec1a502270e3cc6c"),
                new Vector(
                        "GCM spec TC16",
                        K15,
                        "cafebabefacedbaddecaf888",
                        A16,
                        P16,
                        "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
                                + "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
                        "76fc6ece0f4e1768cddf8853bb2d551b"),
                new Vector(
                        "GCM spec TC17 (64-bit IV)",
                        K15,
                        "cafebabefacedbad",
                        A16,
                        P16,
                        "c3762df1ca787d32ae47c13bf19844cbaf1ae14d0b976afac52ff7d79bba9de0"
                                + "feb582d33934a4f0954cc2363bc73f7862ac430e64abe499f47c9b1f",
                        "3a337dbf46a792c45e454913fe2ea8f2"),
                new Vector(
                        "GCM spec TC18 (480-bit IV)",
                        K15,
                        "9313225df88406e555909c5aff5269aa6a7a9538534f7da1e4c303d2a318a728"
                                + "c3c0c95156809539fcf0e2429a6b525416aedbf5a0de6a57a637b39b",
                        A16,
                        P16,
                        "5a8def2f0c9e53f1f75d7853659e2a20eeb2b22aafde6419a058ab4f6f746bf4"
                                + "0fc0c3b780f244452da3ebf1c5d82cdea2418997200ef82e44ae7e3f",
                        "a44a8266ee1c8eb0c8b5d4cf5ae9f19a"),
                // NIST CAVP gcmEncryptExtIV256.rsp, 96-bit IV, 128-bit tag.
                new Vector(
                        "CAVP 256 PT0 AAD0 #0",
                        "b52c505a37d78eda5dd34f20c22540ea1b58963cf8e5bf8ffa85f9f2492505b4",
                        "516c33929df5a3284ff463d7",
                        "",
                        "",
                        "",
                        "bdc1ac884d332457a1d2664f168c76f0"),
                new Vector(
                        "CAVP 256 PT0 AAD128 #0",
                        "78dc4e0aaf52d935c3c01eea57428f00ca1fd475f5da86a49c8dd73d68c8e223",
                        "d79cf22d504cc793c3fb6c8a",
                        "b96baa8c1c75a671bfb2d08d06be5f36",
                        "",
                        "",
                        "3e5d486aa2e30b22e040b85723a06e76"),
                new Vector(
                        "CAVP 256 PT128 AAD0 #0",
                        "31bdadd96698c204aa9ce1448ea94ae1fb4a9a0b3c9d773b51bb1822666b8f22",
                        "0d18e06c7c725ac9e362e1ce",
                        "",
                        "2db5168e932556f8089a0622981d017d",
                        "fa4362189661d163fcd6a56d8bf0405a",
                        "d636ac1bbedd5cc3ee727dc2ab4a9489"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void jdkEncryptsToTheVector(Vector v) throws Exception {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Hex.of(v.key), "AES"), new GCMParameterSpec(128, Hex.of(v.iv)));
        c.updateAAD(Hex.of(v.aad));
        assertEquals(v.ciphertext + v.tag, Hex.of(c.doFinal(Hex.of(v.plaintext))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void jdkDecryptsTheVector(Vector v) throws Exception {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(Hex.of(v.key), "AES"), new GCMParameterSpec(128, Hex.of(v.iv)));
        c.updateAAD(Hex.of(v.aad));
        assertEquals(v.plaintext, Hex.of(c.doFinal(Hex.of(v.ciphertext + v.tag))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void bouncyCastleAgreesWithTheVector(Vector v) {
        byte[] out = ReferenceGcm.encrypt(Hex.of(v.key), Hex.of(v.iv), Hex.of(v.aad), Hex.of(v.plaintext));
        assertEquals(v.ciphertext + v.tag, Hex.of(out));
    }

    /**
     * The 96-bit-IV vectors through the sealer's own ByteBuffer path shape: a direct buffer in,
     * a direct buffer out, AAD given separately, as BlockSealer drives the Cipher.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void jdkDirectBufferPathMatchesTheVector(Vector v) throws Exception {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(Hex.of(v.key), "AES"), new GCMParameterSpec(128, Hex.of(v.iv)));
        c.updateAAD(Hex.of(v.aad));
        byte[] p = Hex.of(v.plaintext);
        ByteBuffer in = ByteBuffer.allocateDirect(p.length).put(p).flip();
        ByteBuffer out = ByteBuffer.allocateDirect(p.length + 16);
        c.doFinal(in, out);
        byte[] got = new byte[out.flip().remaining()];
        out.get(got);
        assertEquals(v.ciphertext + v.tag, Hex.of(got));
    }

    /**
     * A golden sealed block (format version 1) made once from the layout in docs/FORMAT.md by
     * BouncyCastle: the sealer must keep opening it, and BouncyCastle must still produce it.
     * Changing the format without a new version number breaks this test.
     */
    @Test
    void goldenSealedBlockOfFormatVersion1() {
        byte[] key = Hex.of("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        DekId dekId = DekId.parse("00112233445566778899aabbccddeeff");
        byte[] nonce = Hex.of("0f0e0d0c0b0a090807060504");
        BlockAddress at = new BlockAddress(UUID.fromString("01234567-89ab-cdef-0123-456789abcdef"), 42);
        byte[] plaintext = "Strongroom format v1 golden block".getBytes(StandardCharsets.US_ASCII);
        String golden = GOLDEN_SEALED_V1;

        assertEquals(golden, Hex.of(ReferenceGcm.seal(key, dekId, nonce, at, plaintext)));
        Dek dek = Dek.adopt(dekId, key.clone(), 0);
        assertArrayEquals(plaintext, BlockSealer.create().open(dek, at, Hex.of(golden)));
        assertEquals("01000000", golden.substring(0, 8), "version 1, three reserved zero bytes");
        assertEquals(dekId, SealedBlockLayout.dekIdOf(Hex.of(golden)));
        assertArrayEquals(nonce, Arrays.copyOfRange(Hex.of(golden), 20, 32));
    }

    private static final String GOLDEN_SEALED_V1 = "0100000000112233445566778899aabbccddeeff0f0e0d0c0b0a090807060504"
            + "f744c33335b0ddc184b2913957e8e4601d466951ef3e9e08322cc0df5066df496f"
            + "05acb0355bb9f04b12a981aaa9af3ea4";
}
