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
 * The 256-bit secret that encrypts private keys at rest: 32 bytes in base64, in a file (one line, mode 0600 when
 * generated here) or handed over as text (an environment variable). Errors name where the secret came from, never
 * its value. Blocking: call from worker threads only.
 */
public final class MasterSecret {
    private static final int LENGTH = 32;

    private MasterSecret() {}

    /**
     * The secret in {@code file}; a missing file is generated, unless {@code keysSealed} (keys sealed under some
     * secret exist already): a new secret could not open them, so that is an error naming the file.
     */
    public static SecretKey loadOrCreate(Path file, boolean keysSealed) throws IOException {
        if (!Files.exists(file)) {
            if (keysSealed) {
                throw new IOException("no master secret at " + file
                        + ", but the vault holds keys sealed under one: start it with the master secret they were"
                        + " sealed under");
            }
            create(file);
        }
        byte[] raw = Files.readAllBytes(file);
        try {
            return decode(new String(raw, StandardCharsets.US_ASCII), "master secret file " + file);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    /** A secret given as base64 text (surrounding white space ignored); {@code origin} names it in errors. */
    public static SecretKey decode(String base64, String origin) throws IOException {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IOException(origin + " is not base64", null);
        }
        try {
            if (key.length != LENGTH) {
                throw new IOException(origin + " must hold 32 bytes (base64)");
            }
            return new SecretKeySpec(key, "AES");
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    private static void create(Path file) throws IOException {
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
}
