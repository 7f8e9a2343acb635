package io.strongroom.vault.it;

import static io.strongroom.vault.it.Await.await;

import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.StaticTokenProvider;
import io.strongroom.vault.TokenProvider;
import io.strongroom.vault.VaultEndpoint;
import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.LocalVault;
import io.strongroom.vault.local.LocalVaultOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A real local-vault over HTTPS on an ephemeral loopback port, with identities for the tests and a
 * small management client (create, update, rotate, delete, faults) for what vault-client itself
 * does not do.
 */
final class LocalVaultFixture implements AutoCloseable {
  /** The vault's identity in key ids; requests go to 127.0.0.1, as with a private endpoint. */
  static final String VAULT_URL = "https://strongroom-test.vault.azure.net";
  static final String ADMIN_TOKEN = "admin-token";
  static final String APP_TOKEN = "app-token";
  static final String NO_UNWRAP_TOKEN = "no-unwrap-token";
  static final String APP_CLIENT_ID = "11111111-2222-3333-4444-555555555555";
  static final String APP_CLIENT_SECRET = "app-client-secret";

  final Vertx vertx;
  final LocalVault vault;
  final Path dataDir;
  private final WebClient admin;

  private LocalVaultFixture(Vertx vertx, LocalVault vault, Path dataDir) {
    this.vertx = vertx;
    this.vault = vault;
    this.dataDir = dataDir;
    this.admin = WebClient.create(vertx, new WebClientOptions().setSsl(true).setVerifyHost(true)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(vault.certificatePem()))));
  }

  static LocalVaultOptions defaultOptions(Path dataDir, String region) {
    return new LocalVaultOptions()
        .setDataDir(dataDir)
        .setRegion(region)
        .setVaultUrl(VAULT_URL)
        .setFaultInjection(true)
        .setSystemAssignedIdentity("app")
        .addIdentity(ADMIN_TOKEN, new Identity("admin", Set.of("all")))
        .addIdentity(APP_TOKEN, new Identity("app", Set.of("get", "list", "wrapKey", "unwrapKey"),
            APP_CLIENT_ID, APP_CLIENT_SECRET))
        .addIdentity(NO_UNWRAP_TOKEN, new Identity("no-unwrap", Set.of("get", "list", "wrapKey")));
  }

  static LocalVaultFixture start(Vertx vertx, LocalVaultOptions options) {
    return new LocalVaultFixture(vertx, await(LocalVault.start(vertx, options)), options.getDataDir());
  }

  /** Client options for this vault: its identity URL, its loopback endpoint, its certificate. */
  KeyVaultClientOptions clientOptions() {
    return new KeyVaultClientOptions()
        .setVaultUrl(VAULT_URL)
        .setLocalRegion(vault.region())
        .setEndpoints(List.of(new VaultEndpoint(vault.baseUrl(), vault.region())))
        .setTrustPem(vault.certificatePem())
        .setCallDeadline(Duration.ofSeconds(10));
  }

  KeyVaultClient client(TokenProvider tokens) {
    return KeyVaultClient.create(vertx, clientOptions(), tokens);
  }

  KeyVaultClient appClient() {
    return client(new StaticTokenProvider(APP_TOKEN));
  }

  /** Creates an RSA key; returns its versioned kid. */
  String createKey(String name, int size) {
    JsonObject body = new JsonObject().put("kty", "RSA").put("key_size", size)
        .put("key_ops", List.of("wrapKey", "unwrapKey", "encrypt", "decrypt"));
    return call(HttpMethod.POST, "/keys/" + name + "/create", body).getJsonObject("key").getString("kid");
  }

  String rotate(String name) {
    return call(HttpMethod.POST, "/keys/" + name + "/rotate", new JsonObject()).getJsonObject("key").getString("kid");
  }

  void update(String name, String version, JsonObject attributes) {
    call(HttpMethod.PATCH, "/keys/" + name + "/" + version, new JsonObject().put("attributes", attributes));
  }

  void delete(String name) {
    call(HttpMethod.DELETE, "/keys/" + name, null);
  }

  /** Replaces the fault plan (admin API of local-vault's fault injection). */
  void faults(JsonObject plan) {
    HttpResponse<Buffer> r = await(admin.request(HttpMethod.PUT, port(), "127.0.0.1", "/_admin/faults")
        .sendJsonObject(plan));
    if (r.statusCode() != 200) {
      throw new IllegalStateException("fault plan refused: " + r.bodyAsString());
    }
  }

  void clearFaults() {
    await(admin.request(HttpMethod.DELETE, port(), "127.0.0.1", "/_admin/faults").send());
  }

  int port() {
    return URI.create(vault.baseUrl()).getPort();
  }

  private JsonObject call(HttpMethod method, String path, JsonObject body) {
    var request = admin.request(method, port(), "127.0.0.1", path + "?api-version=7.4")
        .putHeader("Authorization", "Bearer " + ADMIN_TOKEN);
    Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendJsonObject(body);
    HttpResponse<Buffer> r = await(sent);
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(method + " " + path + " → " + r.statusCode() + " " + r.bodyAsString());
    }
    return r.body() == null || r.body().length() == 0 ? new JsonObject() : r.bodyAsJsonObject();
  }

  @Override
  public void close() {
    admin.close();
    await(vault.close());
  }
}
