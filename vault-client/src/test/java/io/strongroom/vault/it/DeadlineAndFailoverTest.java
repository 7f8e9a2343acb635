package io.strongroom.vault.it;

import static io.strongroom.vault.it.Await.await;
import static io.strongroom.vault.it.Await.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.LatencySnapshot;
import io.strongroom.vault.StaticTokenProvider;
import io.strongroom.vault.VaultEndpoint;
import io.strongroom.vault.VaultErrorClass;
import io.strongroom.vault.WrapResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-call deadlines against vaults that never answer, and failover between two regions. */
class DeadlineAndFailoverTest {
    private static final byte[] DEK = new byte[32];

    @TempDir
    static Path dir;

    static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        await(vertx.close());
    }

    @Test
    void deadlineBoundsAllAttemptsAgainstABlackholedVault(@TempDir Path data) {
        try (LocalVaultFixture fx = LocalVaultFixture.start(vertx, LocalVaultFixture.defaultOptions(data, "eastus"))) {
            KeyId kid = fx.createKey("bh", 2048);
            fx.faults(new JsonObject().put("blackholeRate", 1.0));
            KeyVaultClientOptions options = fx.clientOptions()
                    .setCallDeadline(Duration.ofMillis(900))
                    .setAttemptTimeout(Duration.ofMillis(250));
            KeyVaultClient c =
                    KeyVaultClient.create(vertx, options, new StaticTokenProvider(LocalVaultFixture.APP_TOKEN));
            try {
                long start = System.nanoTime();
                KeyVaultException e = failure(c.getKey(kid));
                long elapsedMs = (System.nanoTime() - start) / 1_000_000;
                assertEquals(VaultErrorClass.UNAVAILABLE, e.errorClass());
                assertTrue(e.getMessage().contains("deadline"), e.getMessage());
                // attempts of 250 ms and backoffs fill the deadline, and nothing runs past it (plus slack)
                assertTrue(elapsedMs >= 850 && elapsedMs < 1600, "deadline 900 ms, took " + elapsedMs + " ms");
            } finally {
                await(c.close());
                fx.clearFaults();
            }
        }
    }

    @Test
    void deadlineCoversAHangingTlsHandshake() {
        // accepts TCP and never answers the ClientHello
        NetServer silent =
                await(vertx.createNetServer().connectHandler(socket -> {}).listen(0, "127.0.0.1"));
        KeyVaultClientOptions options = new KeyVaultClientOptions()
                .setVaultUrl(LocalVaultFixture.VAULT_URL)
                .setEndpoints(List.of(new VaultEndpoint("https://127.0.0.1:" + silent.actualPort(), "local")))
                .setCallDeadline(Duration.ofMillis(700))
                .setAttemptTimeout(Duration.ofMillis(300));
        KeyVaultClient c = KeyVaultClient.create(vertx, options, new StaticTokenProvider("t"));
        try {
            long start = System.nanoTime();
            KeyVaultException e = failure(c.getKey("k", null));
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(VaultErrorClass.UNAVAILABLE, e.errorClass());
            assertTrue(e.getMessage().contains("deadline"), e.getMessage());
            String endpoint = "[https://127.0.0.1:" + silent.actualPort() + "]";
            assertEquals(
                    e.getMessage().indexOf(endpoint),
                    e.getMessage().lastIndexOf(endpoint),
                    "the endpoint is named once: " + e.getMessage());
            assertTrue(e.getMessage().contains(endpoint), e.getMessage());
            assertTrue(elapsedMs >= 650 && elapsedMs < 1500, "deadline 700 ms, took " + elapsedMs + " ms");
        } finally {
            // the client closes while the silent server still holds its half-open TLS connection
            await(c.close());
            await(silent.close());
        }
    }

    @Test
    void aTokenThatNeverArrivesIsBoundedByTheDeadlineAndNotBlamedOnTheVault() {
        KeyVaultClientOptions options = new KeyVaultClientOptions()
                .setVaultUrl(LocalVaultFixture.VAULT_URL)
                .setEndpoints(List.of(new VaultEndpoint("https://127.0.0.1:1", "local")))
                .setCallDeadline(Duration.ofMillis(500))
                .setAttemptTimeout(Duration.ofMillis(200));
        KeyVaultClient c = KeyVaultClient.create(
                vertx,
                options,
                resource -> io.vertx.core.Promise.<io.strongroom.vault.AccessToken>promise()
                        .future());
        try {
            long start = System.nanoTime();
            KeyVaultException e = failure(c.getKey("k", null));
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(VaultErrorClass.UNAVAILABLE, e.errorClass());
            assertTrue(e.getMessage().contains("no token"), e.getMessage());
            assertEquals(null, e.endpoint());
            assertTrue(elapsedMs >= 450 && elapsedMs < 1200, "deadline 500 ms, took " + elapsedMs + " ms");
        } finally {
            await(c.close());
        }
    }

    @Test
    void connectionRefusedIsUnavailable() {
        NetServer closed =
                await(vertx.createNetServer().connectHandler(socket -> {}).listen(0, "127.0.0.1"));
        int port = closed.actualPort();
        await(closed.close());
        KeyVaultClientOptions options = new KeyVaultClientOptions()
                .setVaultUrl(LocalVaultFixture.VAULT_URL)
                .setEndpoints(List.of(new VaultEndpoint("https://127.0.0.1:" + port, "local")))
                .setCallDeadline(Duration.ofMillis(600))
                .setInitialBackoff(Duration.ofMillis(20));
        KeyVaultClient c = KeyVaultClient.create(vertx, options, new StaticTokenProvider("t"));
        try {
            KeyVaultException e = failure(c.getKey("k", null));
            assertEquals(VaultErrorClass.UNAVAILABLE, e.errorClass());
            assertEquals(0, e.httpStatus());
        } finally {
            await(c.close());
        }
    }

    @Test
    void failsOverToAnotherRegionAndReportsIt() {
        Path shared = dir.resolve("shared");
        LocalVaultFixture east = LocalVaultFixture.start(vertx, LocalVaultFixture.defaultOptions(shared, "eastus"));
        KeyId kid = east.createKey("replicated", 2048);
        // same data dir and master secret: the second instance serves the same keys (a replica in westus)
        LocalVaultFixture west = LocalVaultFixture.start(
                vertx,
                LocalVaultFixture.defaultOptions(shared, "westus")
                        .setAuditLogFile(shared.resolve("audit-west.log").toString()));
        KeyVaultClientOptions options = new KeyVaultClientOptions()
                .setVaultUrl(LocalVaultFixture.VAULT_URL)
                .setLocalRegion("eastus")
                .setEndpoints(List.of(
                        new VaultEndpoint(west.vault.baseUrl(), "westus"),
                        new VaultEndpoint(east.vault.baseUrl(), "eastus")))
                .setTrustPem(east.vault.certificatePem() + "\n" + west.vault.certificatePem())
                .setCallDeadline(Duration.ofSeconds(5));
        KeyVaultClient c = KeyVaultClient.create(vertx, options, new StaticTokenProvider(LocalVaultFixture.APP_TOKEN));
        try {
            WrapResult wrapped = await(c.wrapKey(kid, "RSA-OAEP-256", DEK));
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(DEK, await(c.unwrapKey(kid, "RSA-OAEP-256", wrapped.wrapped())));
            }
            Map<String, LatencySnapshot> before = unwrapsByRegion(c.latency().snapshot());
            assertEquals(5, before.get("eastus").count(), "same-region endpoint preferred");
            assertFalse(before.containsKey("westus") && before.get("westus").count() > 0);
            assertTrue(c.latency().warnings().stream().noneMatch(w -> w.contains("cross-region")));

            east.close();
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(DEK, await(c.unwrapKey(kid, "RSA-OAEP-256", wrapped.wrapped())));
            }
            assertTrue(
                    c.latency().warnings().stream().anyMatch(w -> w.contains("cross-region") && w.contains("westus")),
                    c.latency().warnings().toString());
            Map<String, LatencySnapshot> after = unwrapsByRegion(c.latency().snapshot());
            LatencySnapshot westSnap = after.get("westus");
            assertEquals(5, westSnap.count());
            assertTrue(westSnap.crossRegion());
            assertEquals(west.vault.baseUrl(), westSnap.endpoint());
            assertTrue(westSnap.p50Millis() > 0
                    && westSnap.p99Millis() >= westSnap.p50Millis()
                    && westSnap.maxMillis() >= westSnap.p99Millis());
            assertEquals(0, after.get("eastus").count());
            assertTrue(c.latency().crossRegionCalls() >= 5);
            assertTrue(
                    c.latency().warnings().stream().anyMatch(w -> w.contains("5 unwrap calls")),
                    c.latency().warnings().toString());
        } finally {
            await(c.close());
            west.close();
        }
    }

    private static Map<String, LatencySnapshot> unwrapsByRegion(List<LatencySnapshot> snapshots) {
        return snapshots.stream()
                .filter(s -> s.operation().equals("unwrap"))
                .collect(Collectors.toMap(LatencySnapshot::region, s -> s));
    }
}
