package io.strongroom.vault.local.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM (JCA) under the master secret: private keys at rest and key backups. The associated data binds a
 * private key's ciphertext to its key name and version, so a blob copied into another key's file does not decrypt,
 * and a backup to its purpose, so neither opens as the other. Output layout: nonce(12) || ciphertext || tag(16).
 */
public final class AtRestCipher {
    private static final int NONCE_LENGTH = 12;
    private static final int TAG_BITS = 128;
    private static final String AAD_PREFIX = "strongroom-local-vault/private-key/v1|";
    private static final byte[] BACKUP_AAD = "strongroom-local-vault/key-backup/v1".getBytes(StandardCharsets.UTF_8);

    private final SecretKey master;
    private final SecureRandom random = new SecureRandom();

    public AtRestCipher(SecretKey master) {
        this.master = master;
    }

    public byte[] seal(String keyName, String version, byte[] plaintext) throws GeneralSecurityException {
        return seal(aad(keyName, version), plaintext);
    }

    /** Throws {@link javax.crypto.AEADBadTagException} when the blob, name, version or master secret do not match. */
    public byte[] open(String keyName, String version, byte[] sealed) throws GeneralSecurityException {
        return open(aad(keyName, version), sealed);
    }

    /** A key backup: opens only under the same master secret, and only as a backup. */
    public byte[] sealBackup(byte[] plaintext) throws GeneralSecurityException {
        return seal(BACKUP_AAD, plaintext);
    }

    public byte[] openBackup(byte[] sealed) throws GeneralSecurityException {
        return open(BACKUP_AAD, sealed);
    }

    private byte[] seal(byte[] aad, byte[] plaintext) throws GeneralSecurityException {
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, master, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(aad);
        byte[] out = new byte[NONCE_LENGTH + cipher.getOutputSize(plaintext.length)];
        System.arraycopy(nonce, 0, out, 0, NONCE_LENGTH);
        cipher.doFinal(plaintext, 0, plaintext.length, out, NONCE_LENGTH);
        return out;
    }

    private byte[] open(byte[] aad, byte[] sealed) throws GeneralSecurityException {
        if (sealed.length < NONCE_LENGTH + TAG_BITS / 8) {
            throw new GeneralSecurityException("sealed value too short");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, master, new GCMParameterSpec(TAG_BITS, Arrays.copyOf(sealed, NONCE_LENGTH)));
        cipher.updateAAD(aad);
        return cipher.doFinal(sealed, NONCE_LENGTH, sealed.length - NONCE_LENGTH);
    }

    private static byte[] aad(String keyName, String version) {
        return (AAD_PREFIX + keyName + "|" + version).getBytes(StandardCharsets.UTF_8);
    }
}
