package io.strongroom.server;

import io.strongroom.server.config.GatewayConfig;
import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.StaticTokenProvider;
import io.strongroom.vault.VaultEndpoint;
import io.strongroom.vault.VaultErrorClass;
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
import java.util.Set;

/**
 * The embedded default vault: local-vault in-process on loopback (ephemeral port, data under
 * {@code <dataDir>/vault}) holding the service KEK {@code strongroom-service-key} (RSA 2048), created on first
 * start. The vault has a fixed identity URL, so key ids stored in volume metadata stay valid although the
 * port changes at every start; requests go to the actual {@code https://127.0.0.1:<port>}.
 */
final class EmbeddedVault {
    /** The vault identity in key ids; {@code .invalid} never resolves, so nothing but the endpoint is ever contacted. */
    static final String VAULT_URL = "https://embedded-vault.strongroom.invalid";

    static final String IDENTITY = "embedded";
    private static final Set<String> PERMISSIONS = Set.of("get", "list", "create", "wrapKey", "unwrapKey");

    final LocalVault vault;
    final String token;
    final KeyVaultClientOptions clientOptions;

    private EmbeddedVault(LocalVault vault, String token) {
        this.vault = vault;
        this.token = token;
        this.clientOptions = new KeyVaultClientOptions()
                .setVaultUrl(VAULT_URL)
                .setEndpoints(java.util.List.of(new VaultEndpoint(vault.baseUrl(), vault.region())))
                .setLocalRegion(vault.region())
                .setTrustPem(vault.certificatePem());
    }

    /** Versionless id of the service KEK; volumes record the versioned id that wrapped their DEK. */
    static String serviceKekId() {
        return VAULT_URL + "/keys/" + GatewayConfig.EMBEDDED_SERVICE_KEK_NAME;
    }

    static Future<EmbeddedVault> start(Vertx vertx, Path dataDir) {
        String token = randomToken();
        LocalVaultOptions options = new LocalVaultOptions()
                .setDataDir(dataDir.resolve("vault"))
                .setHost("127.0.0.1")
                .setPort(0)
                .setVaultUrl(VAULT_URL)
                .addIdentity(token, new Identity("strongroom-gateway", PERMISSIONS));
        return LocalVault.start(vertx, options).map(v -> new EmbeddedVault(v, token));
    }

    /** Creates the service KEK unless it exists. The gateway's own client has no create call, so this is one REST call. */
    Future<Void> ensureServiceKey(Vertx vertx) {
        KeyVaultClient client = KeyVaultClient.create(vertx, clientOptions, new StaticTokenProvider(token));
        return client.getKey(KeyId.parse(serviceKekId()))
                .<Void>mapEmpty()
                .recover(e -> e instanceof KeyVaultException k && k.errorClass() == VaultErrorClass.KEY_NOT_FOUND
                        ? createServiceKey(vertx)
                        : Future.failedFuture(e))
                .eventually(client::close);
    }

    private Future<Void> createServiceKey(Vertx vertx) {
        HttpClient http = vertx.createHttpClient(new HttpClientOptions()
                .setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(vault.certificatePem()))));
        JsonObject body = new JsonObject()
                .put("kty", "RSA")
                .put("key_size", 2048)
                .put("key_ops", new JsonArray().add("wrapKey").add("unwrapKey"));
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(vault.baseUrl() + "/keys/" + GatewayConfig.EMBEDDED_SERVICE_KEK_NAME
                        + "/create?api-version=" + KeyVaultClientOptions.DEFAULT_API_VERSION)
                .putHeader("authorization", "Bearer " + token)
                .putHeader("content-type", "application/json");
        return http.request(request)
                .compose(r -> r.send(body.toBuffer()))
                .compose(response -> response.body()
                        .compose(b -> response.statusCode() == 200
                                ? Future.<Void>succeededFuture()
                                : Future.<Void>failedFuture(new IllegalStateException(
                                        "embedded vault refused to create the service key: HTTP "
                                                + response.statusCode()))))
                .eventually(http::close);
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
