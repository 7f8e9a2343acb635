package io.strongroom.crypto;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.NoSuchPaddingException;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * RSA key wrapping with the JDK, as a key vault does it. The OAEP parameters are always given
 * explicitly: "RSA/ECB/OAEPWithSHA-256AndMGF1Padding" alone would use MGF1 with SHA-1 in the
 * SunJCE provider, which is not what RSA-OAEP-256 means.
 */
public final class RsaKeyWrap {

    private static final OAEPParameterSpec OAEP_SHA256 =
            new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
    private static final OAEPParameterSpec OAEP_SHA1 =
            new OAEPParameterSpec("SHA-1", "MGF1", MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT);

    private RsaKeyWrap() {}

    /** Encrypts {@code keyBytes} to {@code kek}. Does not modify or keep {@code keyBytes}. */
    public static byte[] wrap(KeyWrapAlgorithm alg, RSAPublicKey kek, byte[] keyBytes) {
        Objects.requireNonNull(keyBytes, "keyBytes");
        try {
            return cipher(alg, Cipher.ENCRYPT_MODE, kek).doFinal(keyBytes);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(alg.jwaName() + " wrap failed (key size or input length)", e);
        }
    }

    /**
     * Decrypts a wrapped key with {@code kek}. A wrong key or damaged ciphertext throws a
     * {@link GeneralSecurityException} subclass (BadPaddingException).
     */
    public static byte[] unwrap(KeyWrapAlgorithm alg, RSAPrivateKey kek, byte[] wrapped)
            throws GeneralSecurityException {
        Objects.requireNonNull(wrapped, "wrapped");
        return cipher(alg, Cipher.DECRYPT_MODE, kek).doFinal(wrapped);
    }

    private static Cipher cipher(KeyWrapAlgorithm alg, int mode, Key kek) throws GeneralSecurityException {
        Objects.requireNonNull(alg, "alg");
        Objects.requireNonNull(kek, "kek");
        try {
            Cipher c;
            AlgorithmParameterSpec params;
            switch (alg) {
                case RSA_OAEP_256:
                    c = Cipher.getInstance("RSA/ECB/OAEPPadding");
                    params = OAEP_SHA256;
                    break;
                case RSA_OAEP:
                    c = Cipher.getInstance("RSA/ECB/OAEPPadding");
                    params = OAEP_SHA1;
                    break;
                case RSA1_5:
                    c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
                    params = null;
                    break;
                default:
                    throw new IllegalArgumentException("unsupported algorithm " + alg);
            }
            if (params == null) {
                c.init(mode, kek);
            } else {
                c.init(mode, kek, params);
            }
            return c;
        } catch (NoSuchAlgorithmException | NoSuchPaddingException | InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("this JVM lacks " + alg.jwaName(), e);
        }
    }
}
