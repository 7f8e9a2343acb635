package io.strongroom.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import io.strongroom.vault.local.LocalVaultOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A self-hosted local-vault (reached as 127.0.0.1, its 401 challenge naming https://vault.azure.net) restarts and
 * forgets every token it issued. The gateway's managed-identity and client-credentials identities hold cached tokens
 * that have not expired; the vault answers them 401, and the next call must fetch a fresh token and succeed, so no
 * KEK ever leaves AVAILABLE.
 */
class VaultRestartTest {
    static final int BS = 4096;
    static final List<String> IDENTITIES = List.of("managed", "app");

    @TempDir
    Path tmp;

    Vertx vertx;
    KeyAccessVaults vault;
    KeyVaults keys;
    DefaultVolumeService service;
    KeyAccessMonitor monitor;
    final List<String> transitions = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        vertx = Vertx.vertx();
        vault = new KeyAccessVaults(vertx, tmp.resolve("vault"));
        vault.createKey("service-kek");
        KeyVaultClientOptions client = new KeyVaultClientOptions()
                .setVaultUrl(vault.vaultUrl())
                .setTrustPem(vault.certificatePem())
                // generous: only a rejected token may fail a call here, not a loaded machine
                .setCallDeadline(Duration.ofSeconds(60))
                .setAttemptTimeout(Duration.ofSeconds(20));
        keys = KeyVaults.create(
                vertx,
                new KeyVaultsConfig()
                        .addVault(client)
                        .addIdentity(
                                KeyVaultsConfig.DEFAULT_IDENTITY,
                                new IdentityConfig.StaticToken(KeyAccessVaults.GATEWAY_TOKEN))
                        .addIdentity(
                                "managed",
                                new IdentityConfig.ManagedIdentity(
                                        vault.baseUrl(), KeyAccessVaults.WORKLOAD_CLIENT_ID, vault.certificatePem()))
                        .addIdentity(
                                "app",
                                new IdentityConfig.ClientCredentials(
                                        vault.baseUrl(),
                                        LocalVaultOptions.DEFAULT_TENANT_ID,
                                        KeyAccessVaults.WORKLOAD_CLIENT_ID,
                                        KeyAccessVaults.WORKLOAD_CLIENT_SECRET,
                                        vault.certificatePem())));
        keys.accessContext()
                .addListener((before, after, volumes) -> transitions.add(before.kek() + ": " + before.state() + " -> "
                        + after.state() + " (" + after.causeName() + ")"));
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
        Await.result(service.close());
        Await.result(keys.close());
        vault.close();
        Await.result(vertx.close());
    }

    @Test
    void restartedVaultForgetsIssuedTokensAndEveryIdentityKeepsItsKeys() {
        String customerKey = vault.createKey("customer");
        List<KekRef> keks = IDENTITIES.stream()
                .map(identity -> KekRef.of(KeyId.parse(customerKey), identity))
                .toList();
        for (String identity : IDENTITIES) {
            Await.result(service.create(
                    new VolumeSpec(identity, BS * 8L, BS, vault.vaultUrl() + "/keys/customer", identity)));
            Await.result(service.write(identity, 0, pattern(identity.hashCode())));
        }
        for (KekRef kek : keks) {
            assertEquals(KeyState.AVAILABLE, Await.result(monitor.probe(kek)).state(), "before the restart: " + kek);
        }

        for (int restart = 1; restart <= 2; restart++) {
            vault.restart(KeyAccessVaults.Setup.NORMAL); // every token issued so far is forgotten
            for (KekRef kek : keks) {
                KeyAccessSnapshot probed = Await.result(monitor.probe(kek));
                assertEquals(KeyState.AVAILABLE, probed.state(), () -> "restart: " + probed.causeText());
            }
            for (String identity : IDENTITIES) {
                String fresh = identity + "-after-restart-" + restart;
                Await.result(service.create(
                        new VolumeSpec(fresh, BS * 8L, BS, vault.vaultUrl() + "/keys/customer", identity)));
                Await.result(service.write(fresh, 1, pattern(fresh.hashCode())));
                assertEquals(pattern(fresh.hashCode()), Await.result(service.read(fresh, 1, 1)));
                assertEquals(pattern(identity.hashCode()), Await.result(service.read(identity, 0, 1)));
            }
        }

        assertTrue(transitions.isEmpty(), () -> "no KEK left AVAILABLE: " + transitions);
        for (KeyAccessSnapshot s : keys.keyStates()) {
            assertEquals(KeyState.AVAILABLE, s.state(), s::toString);
            assertNull(s.accessCause(), () -> "no failure recorded: " + s.causeText());
        }
        List<String> failures = keys.activityLog().recent(null, null, 500).stream()
                .filter(e -> !e.ok())
                .map(e -> e.type().jsonName() + ":" + e.cause())
                .toList();
        assertTrue(failures.isEmpty(), () -> "no failed vault call: " + failures);
    }

    static Buffer pattern(int seed) {
        byte[] bytes = new byte[BS];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (seed * 31 + i * 7 + (i >>> 9));
        }
        return Buffer.buffer(bytes);
    }
}
