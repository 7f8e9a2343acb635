package io.strongroom.crypto;

import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The identifier of a data-encryption key: 16 random bytes. Ids are not secret; they are written
 * in clear into every sealed block header and into volume metadata.
 */
public final class DekId {

    /** Length of an id in bytes. */
    public static final int LENGTH = 16;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final byte[] bytes;
    private final int hash;

    private DekId(byte[] ownedBytes) {
        this.bytes = ownedBytes;
        this.hash = Arrays.hashCode(ownedBytes);
    }

    /** A fresh id from {@link SecureRandom}. */
    public static DekId random() {
        byte[] b = new byte[LENGTH];
        RANDOM.nextBytes(b);
        return new DekId(b);
    }

    /** An id from exactly 16 bytes (copied). */
    public static DekId fromBytes(byte[] sixteen) {
        if (sixteen == null || sixteen.length != LENGTH) {
            throw new IllegalArgumentException("a DEK id is exactly " + LENGTH + " bytes");
        }
        return new DekId(sixteen.clone());
    }

    /** Reads 16 bytes at absolute {@code index} of {@code src}; the position does not move. */
    static DekId readAt(ByteBuffer src, int index) {
        byte[] b = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            b[i] = src.get(index + i);
        }
        return new DekId(b);
    }

    /** Reads 16 bytes at {@code offset} of {@code src}. */
    static DekId readAt(byte[] src, int offset) {
        return new DekId(Arrays.copyOfRange(src, offset, offset + LENGTH));
    }

    /** Parses 32 lowercase hex characters; anything else is an {@link IllegalArgumentException}. */
    public static DekId parse(String text) {
        if (text == null || text.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("a DEK id is 32 lowercase hex characters");
        }
        byte[] b = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            b[i] = (byte) (nibble(text.charAt(2 * i)) << 4 | nibble(text.charAt(2 * i + 1)));
        }
        return new DekId(b);
    }

    private static int nibble(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        throw new IllegalArgumentException("a DEK id is 32 lowercase hex characters");
    }

    /** A copy of the 16 bytes. */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Writes the 16 bytes at {@code dst.position()} and advances it. */
    public void writeTo(ByteBuffer dst) {
        dst.put(bytes);
    }

    /** Writes the 16 bytes at {@code offset} of {@code dst}. */
    void writeTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, LENGTH);
    }

    /** True when the 16 bytes at {@code offset} of {@code src} are this id. */
    boolean matches(byte[] src, int offset) {
        return Arrays.equals(bytes, 0, LENGTH, src, offset, offset + LENGTH);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DekId && Arrays.equals(bytes, ((DekId) o).bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** 32 lowercase hex characters. */
    @Override
    public String toString() {
        char[] out = new char[2 * LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[bytes[i] & 0xf];
        }
        return new String(out);
    }
}
