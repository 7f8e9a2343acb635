package io.strongroom.vault.it;

import static io.strongroom.vault.it.Await.await;
import static io.strongroom.vault.it.Await.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.vault.AccessToken;
import io.strongroom.vault.ClientCredentialsTokenProvider;
import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.ManagedIdentityTokenProvider;
import io.strongroom.vault.TokenProvider;
import io.strongroom.vault.VaultErrorClass;
import io.strongroom.vault.WrapResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token providers against local-vault's managed-identity and client-credentials endpoints. */
class TokenProvidersTest {
    private static final String RESOURCE = "https://vault.azure.net";

    @TempDir
    static Path dir;

    static Vertx vertx;
    static LocalVaultFixture fx;
    static KeyId kid;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        fx = LocalVaultFixture.start(vertx, LocalVaultFixture.defaultOptions(dir, "eastus"));
        kid = fx.createKey("tok", 2048);
    }

    @AfterAll
    static void stop() {
        fx.close();
        await(vertx.close());
    }

    @Test
    void managedIdentityTokensAreAcceptedByTheVault() {
        TokenProvider mi = new ManagedIdentityTokenProvider(vertx, fx.vault.baseUrl(), null, fx.vault.certificatePem());
        TokenProvider userAssigned = new ManagedIdentityTokenProvider(
                vertx, fx.vault.baseUrl(), LocalVaultFixture.APP_CLIENT_ID, fx.vault.certificatePem());
        try {
            AccessToken t = await(mi.token(RESOURCE));
            assertTrue(t.expiresOn().isAfter(Instant.now().plusSeconds(600)), t.toString());
            assertFalse(t.toString().contains(t.token()));
            assertTrue(await(userAssigned.token(RESOURCE)).expiresOn().isAfter(Instant.now()));
            KeyVaultClient c = fx.client(mi);
            try {
                assertEquals(kid, await(c.getKey(kid)).kid());
            } finally {
                await(c.close());
            }
        } finally {
            await(mi.close());
            await(userAssigned.close());
        }
    }

    @Test
    void managedIdentityRefusalsAreUnauthorized() {
        TokenProvider unknown = new ManagedIdentityTokenProvider(
                vertx, fx.vault.baseUrl(), "no-such-client", fx.vault.certificatePem());
        try {
            KeyVaultException e = failure(unknown.token(RESOURCE));
            assertEquals(VaultErrorClass.UNAUTHORIZED, e.errorClass());
            assertEquals(400, e.httpStatus());
            assertEquals("invalid_request", e.vaultCode());
        } finally {
            await(unknown.close());
        }
    }

    @Test
    void clientCredentialsTokensAreAcceptedAndBadSecretsRefused() {
        String tenant = io.strongroom.vault.local.LocalVaultOptions.DEFAULT_TENANT_ID;
        TokenProvider good = new ClientCredentialsTokenProvider(
                vertx,
                fx.vault.baseUrl(),
                tenant,
                LocalVaultFixture.APP_CLIENT_ID,
                LocalVaultFixture.APP_CLIENT_SECRET,
                fx.vault.certificatePem());
        TokenProvider bad = new ClientCredentialsTokenProvider(
                vertx,
                fx.vault.baseUrl(),
                tenant,
                LocalVaultFixture.APP_CLIENT_ID,
                "wrong-secret",
                fx.vault.certificatePem());
        KeyVaultClient c = fx.client(good);
        try {
            WrapResult w = await(c.wrapKey(kid, "RSA-OAEP-256", new byte[32]));
            assertArrayEquals(new byte[32], await(c.unwrapKey(w.kid(), "RSA-OAEP-256", w.wrapped())));
            KeyVaultException e = failure(bad.token(RESOURCE));
            assertEquals(VaultErrorClass.UNAUTHORIZED, e.errorClass());
            assertEquals("invalid_client", e.vaultCode());
            assertFalse(e.getMessage().contains("wrong-secret"), e.getMessage());
        } finally {
            await(c.close());
            await(good.close());
            await(bad.close());
        }
    }

    @Test
    void unreachableTokenEndpointIsUnavailable() {
        TokenProvider down = new ManagedIdentityTokenProvider(vertx, "http://127.0.0.1:1", null);
        try {
            assertEquals(
                    VaultErrorClass.UNAVAILABLE, failure(down.token(RESOURCE)).errorClass());
        } finally {
            await(down.close());
        }
    }

    @Test
    void fiftyConcurrentCallsFetchOneToken() {
        // a real token endpoint in front of local-vault's managed-identity endpoint, counting fetches
        AtomicInteger fetches = new AtomicInteger();
        WebClient upstream = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setSsl(true)
                        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(fx.vault.certificatePem()))));
        HttpServer imds = await(vertx.createHttpServer()
                .requestHandler(req -> {
                    fetches.incrementAndGet();
                    upstream.request(HttpMethod.GET, fx.port(), "127.0.0.1", req.uri())
                            .putHeader("Metadata", req.getHeader("Metadata") == null ? "" : req.getHeader("Metadata"))
                            .send()
                            .onSuccess(r -> req.response()
                                    .setStatusCode(r.statusCode())
                                    .putHeader("content-type", "application/json")
                                    .end(r.body()))
                            .onFailure(err -> req.response().setStatusCode(502).end());
                })
                .listen(0, "127.0.0.1"));
        TokenProvider mi = new ManagedIdentityTokenProvider(vertx, "http://127.0.0.1:" + imds.actualPort(), null);
        KeyVaultClient c = fx.client(mi);
        try {
            WrapResult w = await(c.wrapKey(kid, "RSA-OAEP-256", new byte[32]));
            assertEquals(1, fetches.get());
            fetches.set(0);
            KeyVaultClient fresh = fx.client(mi);
            try {
                List<Future<byte[]>> calls = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    calls.add(fresh.unwrapKey(w.kid(), "RSA-OAEP-256", w.wrapped()));
                }
                for (Future<byte[]> f : calls) {
                    assertArrayEquals(new byte[32], await(f));
                }
                assertEquals(1, fetches.get(), "a new client's cache starts empty; 50 callers share one fetch");
            } finally {
                await(fresh.close());
            }
        } finally {
            await(c.close());
            await(mi.close());
            await(imds.close());
            upstream.close();
        }
    }
}
