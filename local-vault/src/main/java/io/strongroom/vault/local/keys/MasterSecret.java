package io.strongroom.vault.local.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The 256-bit secret that encrypts private keys at rest. Stored as one line of base64 in a file
 * that is generated with mode 0600 when missing. Blocking: call from worker threads only.
 */
public final class MasterSecret {
    private static final int LENGTH = 32;

    private MasterSecret() {}

    public static SecretKey loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] fresh = new byte[LENGTH];
            new SecureRandom().nextBytes(fresh);
            byte[] text = (Base64.getEncoder().encodeToString(fresh) + "\n").getBytes(StandardCharsets.US_ASCII);
            Arrays.fill(fresh, (byte) 0);
            Files.createDirectories(file.toAbsolutePath().getParent());
            try {
                AtomicFiles.createNew(file, text, true);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: use theirs
            } finally {
                Arrays.fill(text, (byte) 0);
            }
        }
        byte[] raw = Files.readAllBytes(file);
        byte[] key;
        try {
            key = Base64.getDecoder().decode(new String(raw, StandardCharsets.US_ASCII).trim());
        } catch (IllegalArgumentException e) {
            throw new IOException("master secret file " + file + " is not base64", null);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
        if (key.length != LENGTH) {
            Arrays.fill(key, (byte) 0);
            throw new IOException("master secret file " + file + " must hold 32 bytes (base64)");
        }
        SecretKey secret = new SecretKeySpec(key, "AES");
        Arrays.fill(key, (byte) 0);
        return secret;
    }
}
