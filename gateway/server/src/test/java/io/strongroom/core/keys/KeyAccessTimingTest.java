package io.strongroom.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.strongroom.core.volume.DefaultVolumeService;
import io.strongroom.core.volume.VolumeServiceOptions;
import io.strongroom.core.volume.VolumeSpec;
import io.strongroom.crypto.BlockSealer;
import io.strongroom.store.local.LocalFileBlockStoreOptions;
import io.strongroom.store.local.LocalFileStorageBackend;
import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyVaultClientOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The grace period runs from the first failed attempt of a vault call, not from when the call's retries give up:
 * against a real local-vault that is down (connection refused), silent (requests swallowed) or answers 429 forever,
 * a probe's calls retry for their whole deadline, and the KEK's DEGRADED {@code since} is when the call started.
 */
class KeyAccessTimingTest {
    static final int BS = 4096;
    static final Duration CALL_DEADLINE = Duration.ofSeconds(3);

    /** A vault that keeps failing every attempt of a call until its deadline, and the detail operators see. */
    enum Outage {
        DOWN(KeyAccessCause.VAULT_UNREACHABLE, "connection refused", KeyAccessVaults::stop),
        SILENT(
                KeyAccessCause.VAULT_UNREACHABLE,
                "no answer within",
                v -> v.faults(new JsonObject().put("blackholeRate", 1.0))),
        THROTTLED(
                KeyAccessCause.THROTTLED,
                "Throttled",
                v -> v.faults(new JsonObject()
                        .put(
                                "errors",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("status", 429)
                                                .put("code", "Throttled")
                                                .put("rate", 1.0)))));

        final KeyAccessCause cause;
        final String detail;
        final Consumer<KeyAccessVaults> apply;

        Outage(KeyAccessCause cause, String detail, Consumer<KeyAccessVaults> apply) {
            this.cause = cause;
            this.detail = detail;
            this.apply = apply;
        }
    }

    @TempDir
    Path tmp;

    static Vertx vertx;
    static KeyAccessVaults vault;
    KeyVaults keys;
    DefaultVolumeService service;
    KeyAccessMonitor monitor;

    @BeforeAll
    static void startVault(@TempDir Path vaultDir) {
        vertx = Vertx.vertx();
        vault = new KeyAccessVaults(vertx, vaultDir);
        vault.createKey("service-kek");
    }

    @AfterAll
    static void stopVault() {
        vault.close();
        Await.result(vertx.close());
    }

    @BeforeEach
    void open() {
        keys = KeyVaults.create(
                vertx,
                new KeyVaultsConfig()
                        .addVault(new KeyVaultClientOptions()
                                .setVaultUrl(vault.vaultUrl())
                                .setTrustPem(vault.certificatePem())
                                .setCallDeadline(CALL_DEADLINE)
                                .setAttemptTimeout(Duration.ofSeconds(1))
                                .setMaxRetries(1000) // only the deadline ends a failing call
                                .setInitialBackoff(Duration.ofMillis(50))
                                .setMaxBackoff(Duration.ofMillis(200)))
                        .addIdentity(
                                KeyVaultsConfig.DEFAULT_IDENTITY,
                                new IdentityConfig.StaticToken(KeyAccessVaults.GATEWAY_TOKEN)));
        LocalFileStorageBackend storage = Await.result(
                LocalFileStorageBackend.open(vertx, new LocalFileBlockStoreOptions().setDataDir(tmp.resolve("store"))));
        service = Await.result(DefaultVolumeService.open(
                vertx,
                storage.blocks(),
                storage.metadata(),
                keys,
                BlockSealer.create(),
                new VolumeServiceOptions().setServiceKekId(vault.vaultUrl() + "/keys/service-kek")));
        monitor = new KeyAccessMonitor(vertx, keys, Duration.ofHours(1));
    }

    @AfterEach
    void close() {
        vault.restart(KeyAccessVaults.Setup.NORMAL);
        vault.faults(new JsonObject());
        Await.result(service.close());
        Await.result(keys.close());
    }

    @ParameterizedTest
    @EnumSource(Outage.class)
    void theGracePeriodRunsFromTheFirstFailedAttempt(Outage outage) {
        String key = "customer-" + outage.name().toLowerCase(Locale.ROOT);
        String kid = vault.createKey(key);
        Await.result(service.create(new VolumeSpec("v", BS * 8L, BS, vault.vaultUrl() + "/keys/" + key, null)));
        Await.result(service.write("v", 0, Buffer.buffer(new byte[BS])));
        KekRef kek = KekRef.of(KeyId.parse(kid), KeyVaultsConfig.DEFAULT_IDENTITY);

        outage.apply.accept(vault);
        KeyAccessSnapshot degraded = Await.result(monitor.probe(kek));

        assertEquals(KeyState.DEGRADED, degraded.state(), degraded::causeText);
        assertEquals(outage.cause, degraded.accessCause(), degraded::causeText);
        // The probe's first call retried until its deadline before it was recorded; the state counts from its start.
        Duration retriedFor = Duration.between(degraded.since(), degraded.lastFailure());
        assertTrue(
                retriedFor.compareTo(CALL_DEADLINE.minusSeconds(1)) >= 0,
                () -> "DEGRADED since " + degraded.since() + ", recorded at " + degraded.lastFailure()
                        + ": the grace period must run from the first failed attempt");
        assertEquals(
                degraded.since().plus(keys.accessContext().gracePeriod()),
                keys.access(kek).deadline());
        assertTrue(degraded.causeDetail().contains(outage.detail), degraded::causeDetail);
        assertFalse(degraded.causeDetail().contains("HTTP 0"), degraded::causeDetail);
    }
}
