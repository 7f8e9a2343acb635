package io.strongroom.core.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Verifies bearer tokens against stored SHA-256 hashes. Tokens are 256-bit random values, so a plain
 * (unsalted, fast) hash is enough: there is nothing to brute-force. The hash is looked up, then confirmed
 * with the constant-time {@link MessageDigest#isEqual}; the token itself is never kept or logged.
 * Thread-safe: immutable after construction, one digest per thread.
 */
public final class TokenStore {

    /** One stored token: its name, the hex SHA-256 of its UTF-8 text, and its grants. */
    public record Entry(String name, String sha256Hex, Principal principal) {}

    private static final String BEARER = "bearer ";
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(TokenStore::newDigest);

    private record Stored(byte[] hash, Principal principal) {}

    private final Map<ByteBuffer, Stored> byHash = new HashMap<>();
    private final List<Entry> entries;

    public TokenStore(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        for (Entry e : entries) {
            byte[] stored = HexFormat.of().parseHex(e.sha256Hex());
            byHash.put(ByteBuffer.wrap(stored), new Stored(stored, e.principal()));
        }
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The principal for an {@code Authorization} header value, or null when it is absent, malformed or unknown. */
    public @Nullable Principal authenticate(@Nullable String authorizationHeader) {
        if (authorizationHeader == null
                || authorizationHeader.length() <= BEARER.length()
                || !authorizationHeader.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        byte[] hash = hash(authorizationHeader.substring(BEARER.length()).trim());
        Stored stored = byHash.get(ByteBuffer.wrap(hash));
        return stored != null && MessageDigest.isEqual(stored.hash(), hash) ? stored.principal() : null;
    }

    /** SHA-256 of the token's UTF-8 bytes, as stored in tokens.json ({@code printf %s TOKEN | sha256sum}). */
    public static byte[] hash(String token) {
        MessageDigest digest = SHA256.get();
        return digest.digest(token.getBytes(StandardCharsets.UTF_8));
    }

    public static String hashHex(String token) {
        return HexFormat.of().formatHex(hash(token));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
