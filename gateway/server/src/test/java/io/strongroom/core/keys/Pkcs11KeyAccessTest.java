package io.strongroom.core.keys;

import static io.strongroom.core.keys.KeyAccessRuleTest.BS;
import static io.strongroom.core.keys.KeyAccessRuleTest.failsWith;
import static io.strongroom.core.keys.KeyAccessRuleTest.pattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.volume.DefaultVolumeService;
import io.strongroom.core.volume.VolumeServiceOptions;
import io.strongroom.core.volume.VolumeSpec;
import io.strongroom.crypto.BlockSealer;
import io.strongroom.crypto.Dek;
import io.strongroom.crypto.DekId;
import io.strongroom.store.local.LocalFileBlockStoreOptions;
import io.strongroom.store.local.LocalFileStorageBackend;
import io.strongroom.vault.KeyId;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KEKs in a real SoftHSM2 token through SunPKCS11: volumes under {@code pkcs11:} keys across a restart, and the
 * losses a token has (key deleted, wrong PIN, module missing) going through the same key-access rule as a vault's,
 * with the data intact once the fault is undone. The clock is controlled, as in {@link KeyAccessRuleTest}.
 */
class Pkcs11KeyAccessTest {
    static final Duration GRACE = Duration.ofMinutes(10);
    static final List<String> KEYS = List.of("service-kek", "kek-restart", "kek-deleted", "kek-pin", "kek-module");

    static Vertx vertx;
    static SoftHsm hsm;
    static Path module;

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    final KeyAccessRuleTest.MutableClock clock = new KeyAccessRuleTest.MutableClock(Instant.now());
    Path pinFile;
    KeyVaults keys;
    DefaultVolumeService service;
    KeyAccessMonitor monitor;

    @BeforeAll
    static void createToken() throws IOException {
        hsm = SoftHsm.shared();
        for (String key : KEYS) {
            hsm.generateKey(key);
        }
        // The module as the gateway is configured with it, through a link the module-missing test removes.
        module = Files.createSymbolicLink(shared.resolve("libsofthsm2.so"), SoftHsm.MODULE);
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        Await.result(vertx.close());
    }

    @BeforeEach
    void writePin() throws IOException {
        pinFile = Files.writeString(tmp.resolve("pin"), SoftHsm.PIN + "\n");
        open();
    }

    void open() {
        keys = KeyVaults.create(
                vertx,
                new KeyVaultsConfig()
                        .addIdentity(KeyVaultsConfig.DEFAULT_IDENTITY, new IdentityConfig.StaticToken("unused"))
                        .setPkcs11(Pkcs11Config.withPinFile(module, 0, hsm.label, pinFile)),
                clock);
        keys.accessContext().setGracePeriod(GRACE);
        LocalFileStorageBackend storage = Await.result(
                LocalFileStorageBackend.open(vertx, new LocalFileBlockStoreOptions().setDataDir(tmp.resolve("store"))));
        service = Await.result(DefaultVolumeService.open(
                vertx,
                storage.blocks(),
                storage.metadata(),
                keys,
                BlockSealer.create(),
                new VolumeServiceOptions().setServiceKekId(hsm.keyId("service-kek"))));
        monitor = new KeyAccessMonitor(vertx, keys, Duration.ofHours(1));
    }

    @AfterEach
    void close() {
        Await.result(service.close());
        Await.result(keys.close());
    }

    private KekRef volumeUnder(String key, String volume) {
        Await.result(service.create(new VolumeSpec(volume, BS * 16L, BS, hsm.keyId(key), null)));
        Await.result(service.write(volume, 0, pattern(8, volume.hashCode())));
        return KekRef.of(KeyId.parse(hsm.keyId(key)), KeyVaultsConfig.DEFAULT_IDENTITY);
    }

    @Test
    void volumesUnderTokenKeysAreServedAcrossARestartAndTheKeysStayInTheToken() throws IOException {
        volumeUnder("kek-restart", "hsm-a");
        Await.result(service.create(new VolumeSpec("hsm-service", BS * 16L, BS, null, null)));
        Await.result(service.write("hsm-service", 3, pattern(2, 3)));
        assertEquals(
                hsm.keyId("kek-restart"), Await.result(service.get("hsm-a")).kekId());
        assertEquals(
                hsm.keyId("service-kek"),
                Await.result(service.get("hsm-service")).kekId());
        String metadata = metadataText();
        assertTrue(metadata.contains("\"kek\":\"pkcs11:token=strongroom-test;object=kek-restart\""), metadata);
        assertTrue(metadata.contains("\"alg\":\"RSA-OAEP-256\""), metadata);

        close();
        open(); // every DEK is unwrapped by the token again
        assertEquals(pattern(8, "hsm-a".hashCode()), Await.result(service.read("hsm-a", 0, 8)));
        assertEquals(pattern(2, 3), Await.result(service.read("hsm-service", 3, 2)));
        List<String> events = keys.activityLog().recent(null, hsm.keyId("kek-restart"), 100).stream()
                .map(e -> e.type().jsonName() + (e.ok() ? "" : ":" + e.cause()))
                .toList();
        assertTrue(events.contains("unwrap"), events.toString());

        // keytool's key: sensitive and never extractable (pkcs11-tool prints "extractable" for one that is)
        String objects = hsm.objects();
        assertTrue(objects.contains("Private Key Object") && objects.contains("sensitive"), objects);
        assertFalse(objects.contains("extractable"), objects);
    }

    @Test
    void aDeletedKeyIsDegradedThenInaccessibleAndComesBackWhenTheTokenIsRestored() throws IOException {
        KekRef kek = volumeUnder("kek-deleted", "hsm-deleted");
        List<Dek> deks = deks("hsm-deleted");
        Path backup = tmp.resolve("token-backup");
        hsm.copyTokens(backup);

        hsm.deletePrivateKey("kek-deleted");
        KeyAccessSnapshot degraded = Await.result(monitor.probe(kek));
        assertEquals(KeyState.DEGRADED, degraded.state(), degraded::causeText);
        assertEquals(KeyAccessCause.KEY_DELETED, degraded.accessCause(), degraded::causeText);
        assertEquals(pattern(8, "hsm-deleted".hashCode()), Await.result(service.read("hsm-deleted", 0, 8)));
        inaccessibleAfterTheGracePeriod(kek, "hsm-deleted");
        deks.forEach(d -> assertTrue(d.isDestroyed(), "DEK " + d.id() + " destroyed"));

        hsm.restoreTokens(backup);
        KeyAccessSnapshot back = Await.result(monitor.revalidate(kek, "test"));
        assertEquals(KeyState.AVAILABLE, back.state(), back::causeText);
        assertEquals(pattern(8, "hsm-deleted".hashCode()), Await.result(service.read("hsm-deleted", 0, 8)));
    }

    @Test
    void aWrongPinIsAnIdentityRejectedUntilThePinFileIsCorrected() throws IOException {
        KekRef kek = volumeUnder("kek-pin", "hsm-pin");
        close(); // logs out of the token
        Files.writeString(pinFile, "not-the-pin\n");
        open();
        failsWith(service.read("hsm-pin", 0, 1), ErrorCode.KeyUnavailable);
        KeyAccessSnapshot refused = Await.result(monitor.probe(kek));
        assertEquals(KeyState.DEGRADED, refused.state());
        assertEquals(KeyAccessCause.IDENTITY_REJECTED, refused.accessCause(), refused::causeText);
        assertFalse(refused.causeText().contains("not-the-pin"), refused.causeText());
        inaccessibleAfterTheGracePeriod(kek, "hsm-pin");

        Files.writeString(pinFile, SoftHsm.PIN + "\n");
        KeyAccessSnapshot back = Await.result(monitor.revalidate(kek, "test"));
        assertEquals(KeyState.AVAILABLE, back.state(), back::causeText);
        assertEquals(pattern(8, "hsm-pin".hashCode()), Await.result(service.read("hsm-pin", 0, 8)));
    }

    @Test
    void aMissingModuleIsAnUnreachableTokenUntilItIsBack() throws IOException {
        KekRef kek = volumeUnder("kek-module", "hsm-module");
        close();
        Files.delete(module);
        try {
            open();
            failsWith(service.read("hsm-module", 0, 1), ErrorCode.KeyUnavailable);
            KeyAccessSnapshot missing = Await.result(monitor.probe(kek));
            assertEquals(KeyState.DEGRADED, missing.state());
            assertEquals(KeyAccessCause.VAULT_UNREACHABLE, missing.accessCause(), missing::causeText);
            assertTrue(missing.causeText().contains(module.toString()), missing.causeText());
            inaccessibleAfterTheGracePeriod(kek, "hsm-module");
        } finally {
            Files.createSymbolicLink(module, SoftHsm.MODULE);
        }
        KeyAccessSnapshot back = Await.result(monitor.revalidate(kek, "test"));
        assertEquals(KeyState.AVAILABLE, back.state(), back::causeText);
        assertEquals(pattern(8, "hsm-module".hashCode()), Await.result(service.read("hsm-module", 0, 8)));
    }

    /** The key stays DEGRADED through the grace period, then goes INACCESSIBLE: reads and writes refused. */
    private void inaccessibleAfterTheGracePeriod(KekRef kek, String volume) {
        clock.advance(GRACE.minusSeconds(1));
        monitor.tick();
        assertEquals(KeyState.DEGRADED, keys.access(kek).state());
        clock.advance(Duration.ofSeconds(1));
        monitor.tick();
        assertEquals(KeyState.INACCESSIBLE, keys.access(kek).state());
        failsWith(service.read(volume, 0, 1), ErrorCode.KeyInaccessible);
        failsWith(service.write(volume, 1, pattern(1, 5)), ErrorCode.KeyInaccessible);
    }

    private List<Dek> deks(String volume) {
        return Await.result(service.get(volume)).dekIds().stream()
                .map(id -> {
                    Dek dek = keys.dekCache().get(DekId.parse(id));
                    assertNotNull(dek, "DEK " + id + " in memory");
                    return dek;
                })
                .toList();
    }

    private String metadataText() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(tmp.resolve("store"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
                if (text.contains("\"deks\"")) {
                    all.append(new JsonObject(text).encode());
                }
            }
        }
        return all.toString();
    }
}
