package io.strongroom.core.keys;

import io.strongroom.core.testkit.Await;
import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.LocalVault;
import io.strongroom.vault.local.LocalVaultOptions;
import io.strongroom.vault.local.tls.SelfSignedCertificate;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A local-vault that a test can restart with another configuration on the same port, data directory, master key and
 * TLS certificate, so the gateway's clients keep the same vault URL and trust: how a test revokes the gateway's
 * unwrapKey permission, rejects its token or puts it outside the vault's firewall, for real, and then undoes it.
 */
final class KeyAccessVaults implements AutoCloseable {
    static final String ADMIN_TOKEN = "key-access-admin-token";
    static final String GATEWAY_TOKEN = "key-access-gateway-token";
    static final String API = "?api-version=7.4";
    /** A workload identity reached through the vault's managed-identity and client-credentials token endpoints. */
    static final String WORKLOAD_CLIENT_ID = "key-access-workload";

    static final String WORKLOAD_CLIENT_SECRET = "key-access-workload-secret";

    /** How the vault treats the gateway's identity. */
    enum Setup {
        NORMAL,
        NO_UNWRAP_PERMISSION,
        TOKEN_UNKNOWN,
        FIREWALLED
    }

    private final Vertx vertx;
    private final Path dataDir;
    private final SelfSignedCertificate certificate = SelfSignedCertificate.generate("127.0.0.1");
    private final int port;
    private final HttpClient admin;
    private LocalVault vault;

    KeyAccessVaults(Vertx vertx, Path dataDir) {
        this.vertx = vertx;
        this.dataDir = dataDir;
        this.port = freePort();
        // A fresh connection per admin call: the vault restarts under the test, and a reused connection must not be
        // the one the old server dropped.
        this.admin = vertx.createHttpClient(new HttpClientOptions()
                .setSsl(true)
                .setKeepAlive(false)
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(certificate.certificatePem()))));
        restart(Setup.NORMAL);
    }

    /** Stops the vault: its port refuses connections until {@link #restart}. */
    void stop() {
        if (vault != null) {
            Await.result(vault.close());
            vault = null;
        }
    }

    /** (Re)starts the vault with {@code setup}: real permission, token and firewall checks. */
    void restart(Setup setup) {
        stop();
        LocalVaultOptions options = new LocalVaultOptions()
                .setDataDir(dataDir)
                .setPort(port)
                .setTlsCertPem(certificate.certificatePem())
                .setTlsKeyPem(certificate.privateKeyPem())
                .setFaultInjection(true)
                .addIdentity(ADMIN_TOKEN, new Identity("admin", Set.of("all")))
                .addIdentity(
                        "key-access-workload-token",
                        new Identity(
                                "workload",
                                Set.of("get", "wrapKey", "unwrapKey"),
                                WORKLOAD_CLIENT_ID,
                                WORKLOAD_CLIENT_SECRET));
        if (setup != Setup.TOKEN_UNKNOWN) {
            options.addIdentity(
                    GATEWAY_TOKEN,
                    new Identity(
                            "gateway",
                            setup == Setup.NO_UNWRAP_PERMISSION
                                    ? Set.of("get", "list", "wrapKey")
                                    : Set.of("get", "list", "wrapKey", "unwrapKey")));
        }
        if (setup == Setup.FIREWALLED) {
            options.setAllowedCidrs(List.of("10.0.0.0/8")); // the gateway calls from 127.0.0.1
        }
        vault = Await.result(LocalVault.start(vertx, options));
    }

    String vaultUrl() {
        return vault.vaultUrl();
    }

    /** Where the vault listens (its managed-identity and client-credentials endpoints too). */
    String baseUrl() {
        return vault.baseUrl();
    }

    String certificatePem() {
        return certificate.certificatePem();
    }

    /** Creates an RSA-2048 key; returns its versioned kid. */
    String createKey(String name) {
        JsonObject r = call(
                HttpMethod.POST,
                "/keys/" + name + "/create",
                new JsonObject().put("kty", "RSA").put("key_size", 2048));
        return r.getJsonObject("key").getString("kid");
    }

    /** PATCH of the key's attributes (enabled, nbf, exp; JSON null clears). */
    void updateAttributes(String name, JsonObject attributes) {
        call(HttpMethod.PATCH, "/keys/" + name, new JsonObject().put("attributes", attributes));
    }

    void delete(String name) {
        call(HttpMethod.DELETE, "/keys/" + name, null);
    }

    void recover(String name) {
        call(HttpMethod.POST, "/deletedkeys/" + name + "/recover", new JsonObject());
    }

    /** Replaces the fault plan ({} = none). */
    void faults(JsonObject plan) {
        send(HttpMethod.PUT, "/_admin/faults", "", plan, null);
    }

    private JsonObject call(HttpMethod method, String path, JsonObject body) {
        return send(method, path, API, body, ADMIN_TOKEN);
    }

    private JsonObject send(HttpMethod method, String path, String query, JsonObject body, String token) {
        boolean idempotent = method == HttpMethod.PUT || method == HttpMethod.PATCH;
        try {
            return sendOnce(method, path, query, body, token);
        } catch (AssertionError e) {
            if (!idempotent) {
                throw e;
            }
            return sendOnce(method, path, query, body, token); // a loaded machine: one more try, the call is idempotent
        }
    }

    private JsonObject sendOnce(HttpMethod method, String path, String query, JsonObject body, String token) {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setTimeout(10_000)
                .setAbsoluteURI(vault.baseUrl() + path + query)
                .putHeader("content-type", "application/json");
        if (token != null) {
            options.putHeader("authorization", "Bearer " + token);
        }
        Buffer answer = Await.result(admin.request(options)
                .compose(req -> body == null ? req.send() : req.send(body.toBuffer()))
                .compose(resp -> resp.body().map(b -> {
                    if (resp.statusCode() / 100 != 2) {
                        throw new AssertionError(method + " " + path + ": HTTP " + resp.statusCode() + " " + b);
                    }
                    return b;
                })));
        return answer.length() == 0 ? new JsonObject() : answer.toJsonObject();
    }

    @Override
    public void close() {
        stop();
        Await.result(admin.close());
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
