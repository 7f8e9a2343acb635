package io.strongroom.loadtest.vault;

import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.LocalVault;
import io.strongroom.vault.local.LocalVaultOptions;
import io.vertx.core.Future;
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
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A local-vault started in this process on loopback (self-signed TLS, a fresh token, a temporary data
 * directory) with one RSA key to wrap and unwrap with: what --vault-storm uses when no vault is given.
 */
final class InProcessVault {

    private final LocalVault vault;
    private final String token;

    private InProcessVault(LocalVault vault, String token) {
        this.vault = vault;
        this.token = token;
    }

    static Future<InProcessVault> start(Vertx vertx, Path dataDir, String keyName) {
        String token = randomToken();
        LocalVaultOptions options = new LocalVaultOptions()
                .setDataDir(dataDir)
                .setHost("127.0.0.1")
                .setPort(0)
                .addIdentity(token, new Identity("loadtest", Identity.ALL_PERMISSIONS));
        return LocalVault.start(vertx, options)
                .map(v -> new InProcessVault(v, token))
                .compose(v -> v.createKey(vertx, keyName).map(v));
    }

    /** One REST call: the vault client has no key-creation call (the gateway never creates keys). */
    private Future<Void> createKey(Vertx vertx, String name) {
        HttpClient http = vertx.createHttpClient(new HttpClientOptions()
                .setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(vault.certificatePem()))));
        JsonObject body = new JsonObject()
                .put("kty", "RSA")
                .put("key_size", 2048)
                .put("key_ops", new JsonArray().add("wrapKey").add("unwrapKey"));
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(vault.baseUrl() + "/keys/" + name + "/create?api-version="
                        + KeyVaultClientOptions.DEFAULT_API_VERSION)
                .putHeader("authorization", "Bearer " + token)
                .putHeader("content-type", "application/json");
        return http.request(request)
                .compose(r -> r.send(body.toBuffer()))
                .compose(resp -> resp.body()
                        .compose(b -> resp.statusCode() == 200
                                ? Future.<Void>succeededFuture()
                                : Future.<Void>failedFuture(new IllegalStateException(
                                        "local-vault refused to create key " + name + ": HTTP " + resp.statusCode()))))
                .eventually(http::close);
    }

    String vaultUrl() {
        return vault.vaultUrl();
    }

    String baseUrl() {
        return vault.baseUrl();
    }

    String region() {
        return vault.region();
    }

    String certificatePem() {
        return vault.certificatePem();
    }
    /** The bearer token for this vault; never printed. */
    String token() {
        return token;
    }

    Future<Void> close() {
        return vault.close();
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
