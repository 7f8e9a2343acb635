package io.strongroom.server.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.server.config.ConfigException;
import io.strongroom.server.config.ConfigLoader;
import io.strongroom.server.config.GatewayConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, finding 7: the embedded vault's master key kept apart from the data directory. Real gateways configured
 * through {@link ConfigLoader} (flags and an environment map, as {@code Main} does), a real embedded local-vault and
 * real files.
 */
class MasterKeyLocationTest {
    private static final int BS = 8192;
    private static final String EMBEDDED_VAULT_LOGGER = "io.strongroom.server.EmbeddedVault";

    @TempDir
    Path dir;

    private final List<LogRecord> records = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (records) {
                records.add(r);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private final Logger strongroomLogger = Logger.getLogger("io.strongroom");
    private Level previousLevel;

    @BeforeEach
    void captureLogs() {
        previousLevel = strongroomLogger.getLevel();
        strongroomLogger.setLevel(Level.ALL);
        capture.setLevel(Level.ALL);
        strongroomLogger.addHandler(capture);
    }

    @AfterEach
    void releaseLogs() {
        strongroomLogger.removeHandler(capture);
        strongroomLogger.setLevel(previousLevel);
    }

    @Test
    void withTheKeyFileOutsideACopyOfTheDataDirectoryAloneDecryptsNothing() throws Exception {
        Path data = dir.resolve("data");
        Path keyFile = dir.resolve("secrets").resolve("master.key");
        Map<String, String> withFile = Map.of("STRONGROOM_VAULT_MASTER_KEY_FILE", keyFile.toString());
        byte[] block = random(11);
        TestTokens.write(data);
        try (GatewayFixture gw = start(data, withFile)) {
            createAndWrite(gw, block);
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        assertFalse(Files.exists(data.resolve("vault/master.key")), "no master key in the data directory");

        Path copy = dir.resolve("copy");
        copyTree(data, copy);
        Throwable alone = startFailure(copy, Map.of());
        assertInstanceOf(ConfigException.class, alone, String.valueOf(alone));
        assertTrue(alone.getMessage().contains("holds keys but its master key is missing"), alone.getMessage());
        assertTrue(alone.getMessage().contains("STRONGROOM_VAULT_MASTER_KEY_FILE"), alone.getMessage());
        assertFalse(Files.exists(copy.resolve("vault/master.key")), "no new master key made up for sealed keys");

        String otherKey = randomKeyBase64();
        Throwable wrong = startFailure(copy, Map.of("STRONGROOM_VAULT_MASTER_KEY", otherKey));
        assertInstanceOf(ConfigException.class, wrong, String.valueOf(wrong));
        assertTrue(wrong.getMessage().contains("does not open its keys"), wrong.getMessage());
        assertTrue(
                wrong.getMessage().contains("STRONGROOM_VAULT_MASTER_KEY"), "names the source: " + wrong.getMessage());
        assertFalse(wrong.getMessage().contains(otherKey), "the key is not shown");

        // The copy and the key, handed over as systemd does: everything decrypts.
        Path credentials = Files.createDirectories(dir.resolve("credentials"));
        Files.copy(keyFile, credentials.resolve("strongroom-master-key"));
        try (GatewayFixture gw = start(copy, Map.of("CREDENTIALS_DIRECTORY", credentials.toString()))) {
            assertArrayEquals(block, read(gw));
        }
        assertTrue(logged(Level.INFO, "master key from systemd credential"), messages());
    }

    @Test
    void theDefaultInsideTheDataDirectoryWarnsOnceAndTheDocumentedMoveEndsIt() throws Exception {
        Path data = dir.resolve("data");
        byte[] block = random(12);
        TestTokens.write(data);
        try (GatewayFixture gw = start(data, Map.of())) {
            createAndWrite(gw, block);
        }
        Path inside = data.toAbsolutePath().resolve("vault/master.key");
        assertEquals(1, warnings().size(), messages());
        assertTrue(
                warnings().get(0).contains("inside the data directory"),
                warnings().get(0));
        assertTrue(warnings().get(0).contains(inside.toString()), warnings().get(0));
        assertTrue(
                warnings().get(0).contains("STRONGROOM_VAULT_MASTER_KEY_FILE"),
                warnings().get(0));

        // Copied out but left in place: used from outside, with a warning about the one left behind.
        Path outside = dir.resolve("etc/master.key");
        Files.createDirectories(outside.getParent());
        Files.copy(inside, outside);
        records.clear();
        Map<String, String> withFile = Map.of("STRONGROOM_VAULT_MASTER_KEY_FILE", outside.toString());
        try (GatewayFixture gw = start(data, withFile)) {
            assertArrayEquals(block, read(gw));
        }
        assertEquals(1, warnings().size(), messages());
        assertTrue(
                warnings().get(0).contains("left in the data directory"),
                warnings().get(0));

        // Moved (docs/LOCAL-VAULT.md): no warning at all.
        Files.delete(inside);
        records.clear();
        try (GatewayFixture gw = start(data, withFile)) {
            assertArrayEquals(block, read(gw));
        }
        assertEquals(List.of(), warnings());
        assertTrue(logged(Level.INFO, "master key from vault.masterKeyFile " + outside), messages());
    }

    @Test
    void aKeyFromTheEnvironmentWorksAndIsNeverShown() throws Exception {
        Path data = dir.resolve("data");
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String base64 = Base64.getEncoder().encodeToString(raw);
        Map<String, String> env = Map.of("STRONGROOM_VAULT_MASTER_KEY", base64);
        byte[] block = random(13);
        TestTokens.write(data);
        try (GatewayFixture gw = start(data, env)) {
            createAndWrite(gw, block);
        }
        try (GatewayFixture gw = start(data, env)) {
            assertArrayEquals(block, read(gw), "the same key opens the vault after a restart");
        }
        try (Stream<Path> files = Files.walk(data)) {
            assertEquals(
                    List.of(),
                    files.filter(f -> f.getFileName().toString().equals("master.key"))
                            .toList());
        }
        assertEquals(List.of(), warnings());
        assertTrue(logged(Level.INFO, "master key from STRONGROOM_VAULT_MASTER_KEY"), messages());

        // A value of the wrong length is refused in one line that does not echo it.
        String tooLong = base64 + "QUJD";
        ConfigException bad =
                assertThrows(ConfigException.class, () -> config(data, Map.of("STRONGROOM_VAULT_MASTER_KEY", tooLong)));
        assertTrue(bad.getMessage().contains("vault.masterKey"), bad.getMessage());
        assertFalse(bad.getMessage().contains(base64), bad.getMessage());

        GatewayConfig config = config(data, env);
        String hex = HexFormat.of().formatHex(raw);
        for (String shown : List.of(config.toString(), config.vault().toString(), messages(), ConfigLoader.help())) {
            assertFalse(shown.contains(base64), "base64 of the key shown");
            assertFalse(shown.toLowerCase(Locale.ROOT).contains(hex), "hex of the key shown");
        }
    }

    private static GatewayConfig config(Path data, Map<String, String> env) {
        return ConfigLoader.load(
                new String[] {"--data-dir", data.toString(), "--port", "0", "--event-loops", "2", "--durability", "none"
                },
                env);
    }

    private static GatewayFixture start(Path data, Map<String, String> env) throws Exception {
        return GatewayFixture.start(config(data, env), null, c -> {});
    }

    private static Throwable startFailure(Path data, Map<String, String> env) {
        try (GatewayFixture gw = start(data, env)) {
            throw new AssertionError("started without its master key: " + gw.gateway);
        } catch (AssertionError e) {
            throw e;
        } catch (Throwable e) {
            Throwable cause = e;
            while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return cause;
        }
    }

    private static void createAndWrite(GatewayFixture gw, byte[] block) throws Exception {
        GatewayFixture.Response created = gw.json(
                "POST",
                "/v1/volumes",
                TestTokens.ADMIN,
                new JsonObject().put("name", "kept").put("sizeBytes", 16L * BS));
        assertEquals(201, created.status(), new String(created.body()));
        GatewayFixture.Response written = gw.send("PUT", "/v1/volumes/kept/blocks/3", TestTokens.DATA_ALL, block);
        assertEquals(204, written.status(), new String(written.body()));
    }

    private static byte[] read(GatewayFixture gw) throws Exception {
        GatewayFixture.Response r = gw.get("/v1/volumes/kept/blocks/3", TestTokens.DATA_ALL);
        assertEquals(200, r.status(), new String(r.body()));
        return r.body();
    }

    private static byte[] random(long seed) {
        byte[] b = new byte[BS];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String randomKeyBase64() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** The embedded vault's warnings, formatted. */
    private List<String> warnings() {
        synchronized (records) {
            return records.stream()
                    .filter(r -> EMBEDDED_VAULT_LOGGER.equals(r.getLoggerName()) && r.getLevel() == Level.WARNING)
                    .map(MasterKeyLocationTest::format)
                    .toList();
        }
    }

    private boolean logged(Level level, String text) {
        synchronized (records) {
            return records.stream()
                    .anyMatch(r -> EMBEDDED_VAULT_LOGGER.equals(r.getLoggerName())
                            && r.getLevel() == level
                            && format(r).contains(text));
        }
    }

    /** Every record of every io.strongroom logger, formatted, with its exception. */
    private String messages() {
        synchronized (records) {
            StringBuilder out = new StringBuilder();
            for (LogRecord r : records) {
                out.append(r.getLevel())
                        .append(' ')
                        .append(r.getLoggerName())
                        .append(": ")
                        .append(format(r))
                        .append(r.getThrown() == null ? "" : " / " + r.getThrown())
                        .append('\n');
            }
            return out.toString();
        }
    }

    private static String format(LogRecord r) {
        return new SimpleFormatter().formatMessage(r);
    }
}
