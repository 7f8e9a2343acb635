package io.strongroom.vault.local;

import static io.strongroom.vault.local.VaultTestKit.API;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenEndpointsTest {
    private static final String MI =
            "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net";

    @TempDir
    Path dir;

    Vertx vertx;
    MutableClock clock;
    VaultTestKit kit;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
        kit = VaultTestKit.start(
                vertx,
                VaultTestKit.defaults(dir)
                        .setClock(clock)
                        .addIdentity(
                                "wrapper-token",
                                new Identity("wrapper", Set.of("get", "wrapKey", "unwrapKey"), "wrapper-client", null))
                        .setSystemAssignedIdentity("reader"));
        kit.createKey("kek", 2048);
    }

    @AfterEach
    void stop() {
        kit.close();
        VaultTestKit.await(vertx.close());
    }

    private HttpResponse<Buffer> managedIdentity(String query) {
        return VaultTestKit.await(kit.client
                .getAbs(kit.url(MI + query))
                .putHeader("Metadata", "true")
                .send());
    }

    @Test
    void managedIdentityTokensActAsTheirIdentity() {
        HttpResponse<Buffer> noHeader = kit.get(MI, null);
        assertEquals(400, noHeader.statusCode());
        assertEquals("invalid_request", noHeader.bodyAsJsonObject().getString("error"));

        HttpResponse<Buffer> system = managedIdentity("");
        assertEquals(200, system.statusCode(), system.bodyAsString());
        JsonObject body = system.bodyAsJsonObject();
        assertEquals("Bearer", body.getString("token_type"));
        assertEquals("https://vault.azure.net", body.getString("resource"));
        assertEquals("3600", body.getString("expires_in"), "IMDS sends numbers as strings");
        assertEquals(Long.toString(clock.instant().getEpochSecond() + 3600), body.getString("expires_on"));
        String readerToken = body.getString("access_token");
        assertEquals(200, kit.get("/keys/kek?" + API, readerToken).statusCode());
        assertEquals(
                403,
                kit.post(
                                "/keys/kek/wrapkey?" + API,
                                readerToken,
                                new JsonObject().put("alg", "RSA-OAEP-256").put("value", "AAAA"))
                        .statusCode());

        String wrapperToken =
                managedIdentity("&client_id=wrapper-client").bodyAsJsonObject().getString("access_token");
        assertNotEquals(readerToken, wrapperToken);
        assertEquals(
                200,
                kit.post(
                                "/keys/kek/wrapkey?" + API,
                                wrapperToken,
                                new JsonObject().put("alg", "RSA-OAEP-256").put("value", "AAAA"))
                        .statusCode());
        assertEquals(400, managedIdentity("&client_id=nobody").statusCode());

        clock.advance(Duration.ofHours(1));
        assertEquals(401, kit.get("/keys/kek?" + API, readerToken).statusCode(), "issued tokens expire");
    }

    @Test
    void clientCredentialsIssueTokensForTheRightSecretOnly() {
        String path = "/" + LocalVaultOptions.DEFAULT_TENANT_ID + "/oauth2/v2.0/token";
        MultiMap form = MultiMap.caseInsensitiveMultiMap()
                .add("grant_type", "client_credentials")
                .add("client_id", "admin-client")
                .add("client_secret", "admin-secret")
                .add("scope", "https://vault.azure.net/.default");
        HttpResponse<Buffer> ok =
                VaultTestKit.await(kit.client.postAbs(kit.url(path)).sendForm(form));
        assertEquals(200, ok.statusCode(), ok.bodyAsString());
        assertEquals(3600L, ok.bodyAsJsonObject().getLong("expires_in"));
        assertEquals(
                200,
                kit.get("/keys/kek?" + API, ok.bodyAsJsonObject().getString("access_token"))
                        .statusCode());

        form.set("client_secret", "wrong");
        HttpResponse<Buffer> bad =
                VaultTestKit.await(kit.client.postAbs(kit.url(path)).sendForm(form));
        assertEquals(401, bad.statusCode());
        assertEquals("invalid_client", bad.bodyAsJsonObject().getString("error"));

        form.set("client_secret", "admin-secret").set("grant_type", "password");
        assertEquals(
                400,
                VaultTestKit.await(kit.client.postAbs(kit.url(path)).sendForm(form))
                        .statusCode());
        form.set("grant_type", "client_credentials");
        assertEquals(
                400,
                VaultTestKit.await(kit.client
                                .postAbs(kit.url("/other-tenant/oauth2/v2.0/token"))
                                .sendForm(form))
                        .statusCode());
    }
}
