package io.strongroom.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import org.bouncycastle.crypto.AsymmetricBlockCipher;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA1Digest;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.encodings.OAEPEncoding;
import org.bouncycastle.crypto.encodings.PKCS1Encoding;
import org.bouncycastle.crypto.engines.RSAEngine;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JDK's RSA key wrap against BouncyCastle's lightweight RSA, both directions. */
class RsaKeyWrapTest {

    private static RSAPublicKey publicKey;
    private static RSAPrivateCrtKey privateKey;
    private static RSAPrivateKey otherPrivateKey;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair kp = g.generateKeyPair();
        publicKey = (RSAPublicKey) kp.getPublic();
        privateKey = (RSAPrivateCrtKey) kp.getPrivate();
        otherPrivateKey = (RSAPrivateKey) g.generateKeyPair().getPrivate();
    }

    @Test
    void jdkWrapsBouncyCastleUnwrapsAndBack() throws Exception {
        for (KeyWrapAlgorithm alg : KeyWrapAlgorithm.values()) {
            byte[] key = Dek.generate().insecureKeyBytesForWrapping();
            byte[] wrapped = RsaKeyWrap.wrap(alg, publicKey, key);
            assertEquals(256, wrapped.length);
            assertArrayEquals(key, bc(alg, false).processBlock(wrapped, 0, wrapped.length), alg + " JDK to BC");

            byte[] bcWrapped = bc(alg, true).processBlock(key, 0, key.length);
            assertArrayEquals(key, RsaKeyWrap.unwrap(alg, privateKey, bcWrapped), alg + " BC to JDK");
        }
    }

    @Test
    void rsaOaep256UsesSha256ForMgf1NotTheJcaDefault() {
        byte[] wrapped = RsaKeyWrap.wrap(KeyWrapAlgorithm.RSA_OAEP_256, publicKey, new byte[32]);
        OAEPEncoding sha256WithMgf1Sha1 = new OAEPEncoding(new RSAEngine(), new SHA256Digest(), new SHA1Digest(), null);
        sha256WithMgf1Sha1.init(false, bcPrivate());
        assertThrows(
                InvalidCipherTextException.class, () -> sha256WithMgf1Sha1.processBlock(wrapped, 0, wrapped.length));
    }

    @Test
    void wrongKeyOrDamagedCiphertextIsAGeneralSecurityException() {
        for (KeyWrapAlgorithm alg : new KeyWrapAlgorithm[] {KeyWrapAlgorithm.RSA_OAEP_256, KeyWrapAlgorithm.RSA_OAEP}) {
            byte[] wrapped = RsaKeyWrap.wrap(alg, publicKey, new byte[32]);
            assertThrows(GeneralSecurityException.class, () -> RsaKeyWrap.unwrap(alg, otherPrivateKey, wrapped));
            byte[] damaged = wrapped.clone();
            damaged[100] ^= 1;
            assertThrows(GeneralSecurityException.class, () -> RsaKeyWrap.unwrap(alg, privateKey, damaged));
        }
        assertThrows(
                GeneralSecurityException.class,
                () -> RsaKeyWrap.unwrap(KeyWrapAlgorithm.RSA_OAEP_256, privateKey, new byte[10]));
    }

    @Test
    void jwaNames() {
        assertEquals(KeyWrapAlgorithm.RSA_OAEP_256, KeyWrapAlgorithm.fromJwaName("RSA-OAEP-256"));
        assertEquals(KeyWrapAlgorithm.RSA_OAEP, KeyWrapAlgorithm.fromJwaName("RSA-OAEP"));
        assertEquals(KeyWrapAlgorithm.RSA1_5, KeyWrapAlgorithm.fromJwaName("RSA1_5"));
        assertEquals("RSA-OAEP-256", KeyWrapAlgorithm.RSA_OAEP_256.jwaName());
        assertThrows(IllegalArgumentException.class, () -> KeyWrapAlgorithm.fromJwaName("rsa-oaep-256"));
        assertThrows(IllegalArgumentException.class, () -> KeyWrapAlgorithm.fromJwaName("A256KW"));
    }

    private static AsymmetricBlockCipher bc(KeyWrapAlgorithm alg, boolean encrypt) {
        AsymmetricBlockCipher c = switch (alg) {
            case RSA_OAEP_256 -> oaep(new SHA256Digest(), new SHA256Digest());
            case RSA_OAEP -> oaep(new SHA1Digest(), new SHA1Digest());
            case RSA1_5 -> new PKCS1Encoding(new RSAEngine());
        };
        c.init(
                encrypt,
                encrypt
                        ? new ParametersWithRandom(
                                new RSAKeyParameters(false, publicKey.getModulus(), publicKey.getPublicExponent()))
                        : bcPrivate());
        return c;
    }

    private static OAEPEncoding oaep(Digest hash, Digest mgf1Hash) {
        return new OAEPEncoding(new RSAEngine(), hash, mgf1Hash, null);
    }

    private static RSAPrivateCrtKeyParameters bcPrivate() {
        RSAPrivateCrtKey k = privateKey;
        return new RSAPrivateCrtKeyParameters(
                k.getModulus(),
                k.getPublicExponent(),
                k.getPrivateExponent(),
                k.getPrimeP(),
                k.getPrimeQ(),
                k.getPrimeExponentP(),
                k.getPrimeExponentQ(),
                k.getCrtCoefficient());
    }
}
