package io.strongroom.server;

import io.strongroom.core.auth.Principal;
import io.strongroom.core.auth.Role;
import io.strongroom.core.auth.TokenStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The API tokens on disk. {@code <dataDir>/tokens.json} holds only SHA-256 hashes and grants; on first start
 * (no tokens.json) an admin token (all roles) and a data token are generated and written in clear to
 * {@code <dataDir>/credentials.json}, created with permissions 0600 so only the operator can read them.
 * Blocking file I/O: call from a worker thread.
 */
public final class CredentialsBootstrap {
    public static final String TOKENS_FILE = "tokens.json";
    public static final String CREDENTIALS_FILE = "credentials.json";
    public static final String ADMIN = "admin";
    public static final String DATA = "data";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** What start-up found or made. */
    public record Result(TokenStore tokens, Path credentialsFile, boolean generated) {}

    private CredentialsBootstrap() {}

    public static Result loadOrGenerate(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Path tokensFile = dataDir.resolve(TOKENS_FILE);
            Path credentialsFile = dataDir.resolve(CREDENTIALS_FILE);
            if (Files.exists(tokensFile)) {
                return new Result(read(tokensFile), credentialsFile, false);
            }
            String adminToken = newToken();
            String dataToken = newToken();
            Principal admin = new Principal(ADMIN, EnumSet.allOf(Role.class), Set.of(Principal.ALL_VOLUMES));
            Principal data = new Principal(DATA, EnumSet.of(Role.DATA), Set.of(Principal.ALL_VOLUMES));
            JsonObject credentials = new JsonObject()
                    .put(ADMIN, new JsonObject().put("token", adminToken).mergeIn(grants(admin)))
                    .put(DATA, new JsonObject().put("token", dataToken).mergeIn(grants(data)));
            // Credentials first: a crash before tokens.json exists regenerates both on the next start.
            writeAtomically(credentialsFile, credentials.encodePrettily());
            List<TokenStore.Entry> entries = List.of(
                    new TokenStore.Entry(ADMIN, TokenStore.hashHex(adminToken), admin),
                    new TokenStore.Entry(DATA, TokenStore.hashHex(dataToken), data));
            writeAtomically(tokensFile, toJson(entries).encodePrettily());
            return new Result(new TokenStore(entries), credentialsFile, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up API tokens under " + dataDir, e);
        }
    }

    /** The token named {@code name} from the credentials file, or null when the file or entry is gone. */
    public static String readToken(Path credentialsFile, String name) {
        try {
            JsonObject entry = new JsonObject(Files.readString(credentialsFile)).getJsonObject(name);
            return entry == null ? null : entry.getString("token");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** 256 random bits, base64url: {@code sr_} + 43 characters. */
    static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return "sr_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static TokenStore read(Path tokensFile) throws IOException {
        JsonObject root;
        try {
            root = new JsonObject(Files.readString(tokensFile));
        } catch (RuntimeException e) {
            throw new IOException(tokensFile + " is not valid JSON");
        }
        List<TokenStore.Entry> entries = new ArrayList<>();
        JsonArray tokens = root.getJsonArray("tokens", new JsonArray());
        for (int i = 0; i < tokens.size(); i++) {
            JsonObject t = tokens.getJsonObject(i);
            String name = t.getString("name");
            String hash = t.getString("sha256");
            if (name == null || hash == null || !hash.matches("[0-9a-f]{64}")) {
                throw new IOException(tokensFile + ": token " + i + " needs a name and a 64-hex-digit sha256");
            }
            Set<Role> roles = EnumSet.noneOf(Role.class);
            for (Object r : t.getJsonArray("roles", new JsonArray())) {
                try {
                    roles.add(Role.fromWireName(String.valueOf(r)));
                } catch (IllegalArgumentException e) {
                    throw new IOException(tokensFile + ": token " + name + ": " + e.getMessage());
                }
            }
            Set<String> volumes = new LinkedHashSet<>();
            t.getJsonArray("volumes", new JsonArray()).forEach(v -> volumes.add(String.valueOf(v)));
            entries.add(new TokenStore.Entry(name, hash, new Principal(name, roles, volumes)));
        }
        return new TokenStore(entries);
    }

    private static JsonObject toJson(List<TokenStore.Entry> entries) {
        JsonArray tokens = new JsonArray();
        for (TokenStore.Entry e : entries) {
            tokens.add(grants(e.principal()).put("name", e.name()).put("sha256", e.sha256Hex()));
        }
        return new JsonObject().put("version", 1).put("tokens", tokens);
    }

    private static JsonObject grants(Principal p) {
        JsonArray roles = new JsonArray();
        for (Role r : Role.values()) {
            if (p.has(r)) {
                roles.add(r.wireName());
            }
        }
        return new JsonObject().put("roles", roles).put("volumes", new JsonArray(new ArrayList<>(p.volumes())));
    }

    /** Write to a 0600 temporary file, fsync, rename over the target: readers see the old or the new file. */
    private static void writeAtomically(Path target, String text) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Set<StandardOpenOption> options = EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        FileAttribute<?>[] attributes =
                FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                        ? new FileAttribute<?>[] {
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
                        }
                        : new FileAttribute<?>[0];
        try (FileChannel channel = FileChannel.open(tmp, options, attributes)) {
            ByteBuffer bytes = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
