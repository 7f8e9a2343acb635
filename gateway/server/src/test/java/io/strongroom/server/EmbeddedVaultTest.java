package io.strongroom.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strongroom.core.testkit.Await;
import io.strongroom.vault.KeyProperties;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.StaticTokenProvider;
import io.strongroom.vault.VaultErrorClass;
import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.LocalVault;
import io.strongroom.vault.local.LocalVaultOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service-key check of the embedded vault against a real local-vault whose answers fail on purpose: a transient
 * failure (503) is retried until the key is there, a refusal ends the check at once.
 */
class EmbeddedVaultTest {
    private static final String CREATOR = "creator-token-0123456789abcdef";
    private static final String READER = "reader-token-0123456789abcdef";

    @TempDir
    Path dir;

    Vertx vertx;
    LocalVault vault;

    @BeforeEach
    void startVault() {
        vertx = Vertx.vertx();
        vault = Await.result(LocalVault.start(
                vertx,
                new LocalVaultOptions()
                        .setDataDir(dir)
                        .setFaultInjection(true)
                        .addIdentity(CREATOR, new Identity("creator", Set.of("get", "create")))
                        .addIdentity(READER, new Identity("reader", Set.of("get")))));
    }

    @AfterEach
    void stopVault() {
        Await.result(vault.close());
        Await.result(vertx.close());
    }

    @Test
    void transientFailuresAreRetriedUntilTheKeyIsCreated() {
        // The first two calls answer 503; each round of the check makes one call (no client retries here).
        setFaults(new JsonObject()
                .put(
                        "errors",
                        new JsonArray().add(new JsonObject().put("status", 503).put("count", 2))));

        Await.result(EmbeddedVault.ensureKey(vertx, options(), CREATOR, "service"));

        assertEquals(
                2, faultStatus().getJsonObject("injected").getInteger("errors"), "two failed rounds, then success");
        KeyProperties key = getKey("service");
        assertEquals("RSA", key.kty());
        assertEquals(2048, key.keySizeBits());
        assertEquals(List.of("wrapKey", "unwrapKey"), key.keyOps());
        Await.result(EmbeddedVault.ensureKey(vertx, options(), CREATOR, "service"));
        assertEquals(key.kid(), getKey("service").kid(), "an existing key is kept, not given a new version");
    }

    @Test
    void aRefusalEndsTheCheckAtOnce() {
        KeyVaultException refused =
                Await.failure(EmbeddedVault.ensureKey(vertx, options(), READER, "service"), KeyVaultException.class);
        assertEquals(VaultErrorClass.FORBIDDEN, refused.errorClass(), refused.getMessage());
    }

    private KeyVaultClientOptions options() {
        return LocalVaultClientOptions.reaching(vault)
                .setCallDeadline(Duration.ofSeconds(30))
                .setMaxRetries(0);
    }

    private KeyProperties getKey(String name) {
        StaticTokenProvider tokens = new StaticTokenProvider(CREATOR);
        KeyVaultClient client = KeyVaultClient.create(vertx, options(), tokens);
        try {
            return Await.result(client.getKey(name, null));
        } finally {
            Await.result(client.close());
        }
    }

    private void setFaults(JsonObject plan) {
        admin(HttpMethod.PUT, plan);
    }

    private JsonObject faultStatus() {
        return admin(HttpMethod.GET, null);
    }

    private JsonObject admin(HttpMethod method, JsonObject body) {
        HttpClient http = vertx.createHttpClient(new HttpClientOptions()
                .setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(vault.certificatePem()))));
        try {
            return Await.result(http.request(new RequestOptions()
                            .setMethod(method)
                            .setAbsoluteURI(vault.baseUrl() + "/_admin/faults")
                            .putHeader("content-type", "application/json"))
                    .compose(r -> body == null ? r.send() : r.send(body.toBuffer()))
                    .compose(r -> r.body().map(b -> {
                        assertEquals(200, r.statusCode(), b.toString());
                        return b.toJsonObject();
                    })));
        } finally {
            Await.result(http.close());
        }
    }
}
