package io.strongroom.vault.local;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: a running {@link LocalVault} in a temporary directory and a Vert.x WebClient that
 * trusts its certificate (hostname verification on), with blocking helpers for readable tests.
 */
final class VaultTestKit implements AutoCloseable {
    static final String ADMIN_TOKEN = "admin-token";
    static final String READER_TOKEN = "reader-token";
    static final String API = "api-version=7.4";
    /** A wrapkey body: 32 zero bytes with RSA-OAEP-256. */
    static final JsonObject ZERO_DEK = new JsonObject()
            .put("alg", "RSA-OAEP-256")
            .put("value", Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]));

    final Vertx vertx;
    final LocalVaultOptions options;
    LocalVault vault;
    WebClient client;

    VaultTestKit(Vertx vertx, LocalVaultOptions options) {
        this.vertx = vertx;
        this.options = options;
    }

    static LocalVaultOptions defaults(Path dataDir) {
        return new LocalVaultOptions()
                .setDataDir(dataDir)
                .addIdentity(ADMIN_TOKEN, new Identity("admin", Set.of("all"), "admin-client", "admin-secret"))
                .addIdentity(READER_TOKEN, new Identity("reader", Set.of("get", "list")));
    }

    static VaultTestKit start(Vertx vertx, LocalVaultOptions options) {
        VaultTestKit kit = new VaultTestKit(vertx, options);
        kit.restart();
        return kit;
    }

    /** (Re)starts the vault on the same options and data directory. */
    void restart() {
        if (vault != null) {
            await(vault.close());
            client.close();
        }
        vault = await(LocalVault.start(vertx, options));
        client = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(vault.certificatePem())))
                        .setVerifyHost(true));
    }

    String url(String pathAndQuery) {
        return vault.baseUrl() + pathAndQuery;
    }

    HttpRequest<Buffer> request(HttpMethod method, String pathAndQuery, String token) {
        HttpRequest<Buffer> r = client.requestAbs(method, url(pathAndQuery));
        if (token != null) {
            r.putHeader("Authorization", "Bearer " + token);
        }
        return r;
    }

    HttpResponse<Buffer> send(HttpMethod method, String pathAndQuery, String token, JsonObject body) {
        HttpRequest<Buffer> r = request(method, pathAndQuery, token);
        return await(body == null ? r.send() : r.sendJsonObject(body));
    }

    HttpResponse<Buffer> get(String pathAndQuery, String token) {
        return send(HttpMethod.GET, pathAndQuery, token, null);
    }

    HttpResponse<Buffer> post(String pathAndQuery, String token, JsonObject body) {
        return send(HttpMethod.POST, pathAndQuery, token, body);
    }

    /** Creates an RSA key as admin and returns its bundle. */
    JsonObject createKey(String name, int size) {
        HttpResponse<Buffer> r = post(
                "/keys/" + name + "/create?" + API,
                ADMIN_TOKEN,
                new JsonObject().put("kty", "RSA").put("key_size", size));
        if (r.statusCode() != 200) {
            throw new AssertionError("create " + name + ": " + r.statusCode() + " " + r.bodyAsString());
        }
        return r.bodyAsJsonObject();
    }

    static String errorCode(HttpResponse<Buffer> r) {
        return r.bodyAsJsonObject().getJsonObject("error").getString("code");
    }

    static String innerCode(HttpResponse<Buffer> r) {
        JsonObject inner = r.bodyAsJsonObject().getJsonObject("error").getJsonObject("innererror");
        return inner == null ? null : inner.getString("code");
    }

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("future failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError("future did not complete: " + e, e);
        }
    }

    @Override
    public void close() {
        if (vault != null) {
            await(vault.close());
        }
        if (client != null) {
            client.close();
        }
    }
}
