package io.strongroom.vault.it;

import static io.strongroom.vault.it.Await.await;
import static io.strongroom.vault.it.Await.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.vault.AccessToken;
import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.LatencySnapshot;
import io.strongroom.vault.StaticTokenProvider;
import io.strongroom.vault.TokenProvider;
import io.strongroom.vault.VaultErrorClass;
import io.strongroom.vault.WrapResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each error class, produced by a real local-vault (no canned answers). */
class KeyVaultClientErrorsTest {
    private static final byte[] DEK = new byte[32];

    @TempDir
    static Path dir;

    static Vertx vertx;
    static LocalVaultFixture fx;
    static KeyVaultClient app;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        fx = LocalVaultFixture.start(vertx, LocalVaultFixture.defaultOptions(dir, "eastus"));
        app = fx.appClient();
    }

    @AfterEach
    void noFaults() {
        fx.clearFaults();
    }

    @AfterAll
    static void stop() {
        await(app.close());
        fx.close();
        await(vertx.close());
    }

    private static void assertNoSecrets(KeyVaultException e) {
        assertFalse(e.getMessage().contains(LocalVaultFixture.APP_TOKEN), e.getMessage());
        assertFalse(e.getMessage().contains("Bearer "), e.getMessage());
    }

    @Test
    void unknownAndSoftDeletedKeysAreNotFound() {
        KeyVaultException unknown = failure(app.getKey("no-such-key", null));
        assertEquals(VaultErrorClass.KEY_NOT_FOUND, unknown.errorClass());
        assertEquals("KeyNotFound", unknown.vaultCode());
        assertEquals(404, unknown.httpStatus());
        assertEquals(fx.vault.baseUrl(), unknown.endpoint());

        KeyId kid = fx.createKey("to-delete", 2048);
        WrapResult wrapped = await(app.wrapKey(kid, "RSA-OAEP-256", DEK));
        fx.delete("to-delete");
        assertEquals(
                VaultErrorClass.KEY_NOT_FOUND,
                failure(app.unwrapKey(kid, "RSA-OAEP-256", wrapped.wrapped())).errorClass());
        assertEquals(VaultErrorClass.KEY_NOT_FOUND, failure(app.getKey(kid)).errorClass());
    }

    @Test
    void disabledKey() {
        KeyId kid = fx.createKey("disabled", 2048);
        WrapResult wrapped = await(app.wrapKey(kid, "RSA-OAEP-256", DEK));
        fx.update("disabled", kid.versionOrNull(), new JsonObject().put("enabled", false));
        KeyVaultException e = failure(app.unwrapKey(kid, "RSA-OAEP-256", wrapped.wrapped()));
        assertEquals(VaultErrorClass.KEY_DISABLED, e.errorClass());
        assertEquals("KeyDisabled", e.vaultInnerCode());
        assertNotNull(e.vaultMessage());
        assertNoSecrets(e);
        assertFalse(await(app.getKey(kid)).enabled(), "properties stay readable and say disabled");
    }

    @Test
    void expiredKey() {
        KeyId kid = fx.createKey("expired", 2048);
        WrapResult wrapped = await(app.wrapKey(kid, "RSA-OAEP-256", DEK));
        long past = Instant.now().minusSeconds(60).getEpochSecond();
        fx.update("expired", kid.versionOrNull(), new JsonObject().put("exp", past));
        assertEquals(Instant.ofEpochSecond(past), await(app.getKey(kid)).expires());
        assertEquals(
                VaultErrorClass.KEY_DISABLED,
                failure(app.wrapKey(kid, "RSA-OAEP-256", DEK)).errorClass());
        // As in Azure, an expired key still unwraps what it wrapped while valid; the gateway's own clock check treats
        // it as lost (KeyAccessMonitor).
        assertArrayEquals(DEK, await(app.unwrapKey(kid, "RSA-OAEP-256", wrapped.wrapped())));
    }

    @Test
    void notYetActiveKey() {
        KeyId kid = fx.createKey("future", 2048);
        fx.update(
                "future",
                kid.versionOrNull(),
                new JsonObject().put("nbf", Instant.now().plusSeconds(3600).getEpochSecond()));
        assertEquals(
                VaultErrorClass.KEY_DISABLED,
                failure(app.wrapKey(kid, "RSA-OAEP-256", DEK)).errorClass());
    }

    @Test
    void unwrapPermissionRevoked() {
        KeyId kid = fx.createKey("perm", 2048);
        KeyVaultClient limited = fx.client(new StaticTokenProvider(LocalVaultFixture.NO_UNWRAP_TOKEN));
        try {
            WrapResult wrapped = await(limited.wrapKey(kid, "RSA-OAEP-256", DEK));
            KeyVaultException e = failure(limited.unwrapKey(kid, "RSA-OAEP-256", wrapped.wrapped()));
            assertEquals(VaultErrorClass.FORBIDDEN, e.errorClass());
            assertEquals(403, e.httpStatus());
            assertTrue(e.vaultMessage().contains("unwrapKey"), e.vaultMessage());
        } finally {
            await(limited.close());
        }
    }

    @Test
    void badTokenIsUnauthorizedAfterOneChallengeRetry() {
        KeyVaultClient bad = fx.client(new StaticTokenProvider("not-a-token"));
        try {
            KeyVaultException e = failure(bad.getKey("anything", null));
            assertEquals(VaultErrorClass.UNAUTHORIZED, e.errorClass());
            assertEquals(401, e.httpStatus());
            assertFalse(e.getMessage().contains("not-a-token"), e.getMessage());
            long gets =
                    bad.latency().snapshot().stream().mapToLong(s -> s.count()).sum();
            assertEquals(2, gets, "first 401 carries the challenge: one retry with a fresh token, then give up");
        } finally {
            await(bad.close());
        }
    }

    /**
     * A token the vault no longer knows (say, local-vault restarted and forgot the tokens it issued) is dropped and a
     * fresh one fetched, whatever resource the challenge names: here the vault is reached as 127.0.0.1 while the
     * challenge names vault.azure.net, which is not the vault's domain.
     */
    @Test
    void rejectedTokenIsDroppedAndRefetchedOnceWhateverTheChallengeSays() {
        KeyId kid = fx.createKey("refetched", 2048);
        RecordingTokens tokens = new RecordingTokens("stale-token", LocalVaultFixture.APP_TOKEN);
        KeyVaultClient c = KeyVaultClient.create(vertx, fx.clientOptions().setVaultUrl(fx.vault.baseUrl()), tokens);
        try {
            assertEquals(2048, await(c.getKey(kid.name(), null)).keySizeBits());
            assertEquals(
                    List.of(KeyVaultClientOptions.DEFAULT_RESOURCE, KeyVaultClientOptions.DEFAULT_RESOURCE),
                    tokens.asked,
                    "one fresh token, for the configured resource");
            await(c.getKey(kid.name(), null));
            assertEquals(2, tokens.asked.size(), "the fresh token is cached");
        } finally {
            await(c.close());
        }
    }

    /** A challenge naming a resource outside the vault's domain is not followed: the configured resource stays. */
    @Test
    void challengeForAForeignResourceIsNotAdopted() {
        KeyId kid = fx.createKey("foreign-challenge", 2048);
        RecordingTokens tokens = new RecordingTokens("stale-token", LocalVaultFixture.APP_TOKEN);
        KeyVaultClient c = KeyVaultClient.create(
                vertx,
                fx.clientOptions().setVaultUrl(fx.vault.baseUrl()).setResource("https://keys.example.org"),
                tokens);
        try {
            await(c.getKey(kid.name(), null));
            assertEquals(List.of("https://keys.example.org", "https://keys.example.org"), tokens.asked);
        } finally {
            await(c.close());
        }
    }

    /** A self-hosted vault's challenge resource is followed once its host is listed in challengeResourceHosts. */
    @Test
    void challengeResourceOnAListedHostIsAdopted() {
        KeyId kid = fx.createKey("listed-challenge", 2048);
        RecordingTokens tokens = new RecordingTokens("stale-token", LocalVaultFixture.APP_TOKEN);
        KeyVaultClient c = KeyVaultClient.create(
                vertx,
                fx.clientOptions()
                        .setVaultUrl(fx.vault.baseUrl())
                        .setResource("https://keys.example.org")
                        .setChallengeResourceHosts(Set.of("Vault.Azure.Net")),
                tokens);
        try {
            await(c.getKey(kid.name(), null));
            assertEquals(List.of("https://keys.example.org", "https://vault.azure.net"), tokens.asked);
        } finally {
            await(c.close());
        }
    }

    /** Hands out the given tokens in order (the last one from then on) and records the resource of every fetch. */
    private static final class RecordingTokens implements TokenProvider {
        final List<String> asked = new CopyOnWriteArrayList<>();
        private final List<String> tokens;

        RecordingTokens(String... tokens) {
            this.tokens = List.of(tokens);
        }

        @Override
        public Future<AccessToken> token(String resource) {
            asked.add(resource);
            String token = tokens.get(Math.min(asked.size(), tokens.size()) - 1);
            return Future.succeededFuture(new AccessToken(token, Instant.now().plusSeconds(3600)));
        }
    }

    @Test
    void firewall(@TempDir Path other) {
        LocalVaultFixture walled = LocalVaultFixture.start(
                vertx, LocalVaultFixture.defaultOptions(other, "eastus").setAllowedCidrs(List.of("10.0.0.0/8")));
        KeyVaultClient c = walled.appClient();
        try {
            KeyVaultException e = failure(c.getKey("any", null));
            assertEquals(VaultErrorClass.FIREWALL, e.errorClass());
            assertEquals("ForbiddenByFirewall", e.vaultInnerCode());
        } finally {
            await(c.close());
            walled.close();
        }
    }

    @Test
    void throttlingHonoursRetryAfter() {
        KeyId kid = fx.createKey("throttled", 2048);
        WrapResult wrapped = await(app.wrapKey(kid, "RSA-OAEP-256", DEK));
        fx.faults(new JsonObject()
                .put(
                        "errors",
                        List.of(new JsonObject()
                                .put("status", 429)
                                .put("retryAfterSeconds", 1)
                                .put("count", 1)
                                .put("operations", List.of("unwrapKey")))));
        long start = System.nanoTime();
        assertArrayEquals(DEK, await(app.unwrapKey(kid, "RSA-OAEP-256", wrapped.wrapped())));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(elapsedMs >= 1000, "waited only " + elapsedMs + " ms for Retry-After: 1");
        assertTrue(elapsedMs < 5000, "took " + elapsedMs + " ms");
    }

    @Test
    void throttlingBeyondTheDeadlineFailsAtOnce() {
        KeyId kid = fx.createKey("throttled2", 2048);
        fx.faults(new JsonObject()
                .put("errors", List.of(new JsonObject().put("status", 429).put("retryAfterSeconds", 30))));
        KeyVaultClient c = vertxClient(
                fx.clientOptions().setCallDeadline(java.time.Duration.ofSeconds(2)), LocalVaultFixture.APP_TOKEN);
        try {
            long start = System.nanoTime();
            KeyVaultException e = failure(c.getKey(kid));
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertEquals(VaultErrorClass.THROTTLED, e.errorClass());
            assertEquals(java.time.Duration.ofSeconds(30), e.retryAfter());
            assertTrue(elapsedMs < 1500, "should not wait for a Retry-After past the deadline: " + elapsedMs + " ms");
        } finally {
            await(c.close());
        }
    }

    @Test
    void serviceUnavailableIsRetriedThenSucceeds() {
        KeyId kid = fx.createKey("flaky", 2048);
        fx.faults(new JsonObject()
                .put("errors", List.of(new JsonObject().put("status", 503).put("count", 2))));
        assertEquals(kid, await(app.getKey(kid)).kid());
    }

    @Test
    void nonRetryableErrorsAreNotRetried() {
        fx.faults(new JsonObject()
                .put(
                        "errors",
                        List.of(new JsonObject()
                                .put("status", 400)
                                .put("code", "BadParameter")
                                .put("count", 1))));
        KeyVaultClient c = fx.appClient();
        try {
            assertEquals(
                    VaultErrorClass.BAD_REQUEST, failure(c.getKey("x", null)).errorClass());
            assertEquals(
                    1, c.latency().snapshot().stream().mapToLong(s -> s.count()).sum());
        } finally {
            await(c.close());
        }
    }

    @Test
    void slowSameRegionVaultRaisesALatencyWarning() {
        KeyId kid = fx.createKey("slow", 2048);
        fx.faults(new JsonObject()
                .put(
                        "latency",
                        new JsonObject()
                                .put("distribution", "fixed")
                                .put("ms", 80)
                                .put("operations", List.of("get"))));
        KeyVaultClient c = fx.appClient();
        try {
            for (int i = 0; i < 3; i++) {
                await(c.getKey(kid));
            }
            LatencySnapshot get = c.latency().snapshot().stream()
                    .filter(s -> s.operation().equals("get"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(3, get.count());
            assertFalse(get.crossRegion());
            assertTrue(get.p50Millis() >= 80, "p50 " + get.p50Millis());
            assertTrue(
                    c.latency().warnings().stream().anyMatch(w -> w.startsWith("slow same-region vault: get p99")),
                    c.latency().warnings().toString());
            assertEquals(0, c.latency().crossRegionCalls());
        } finally {
            await(c.close());
        }
    }

    private KeyVaultClient vertxClient(io.strongroom.vault.KeyVaultClientOptions options, String token) {
        return KeyVaultClient.create(vertx, options, new StaticTokenProvider(token));
    }
}
