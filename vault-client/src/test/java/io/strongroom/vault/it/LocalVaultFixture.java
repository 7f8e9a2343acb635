package io.strongroom.vault.it;

import static io.strongroom.vault.it.Await.await;

import io.strongroom.vault.CreateKeyOptions;
import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.StaticTokenProvider;
import io.strongroom.vault.TokenProvider;
import io.strongroom.vault.VaultEndpoint;
import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.LocalVault;
import io.strongroom.vault.local.LocalVaultOptions;
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
 * A real local-vault over HTTPS on an ephemeral loopback port, with identities for the tests, a
 * vault-client with the admin identity for creating, rotating and deleting keys, and raw requests
 * for what vault-client itself does not do (attribute updates, fault plans).
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
    private final KeyVaultClient adminClient;

    private LocalVaultFixture(Vertx vertx, LocalVault vault, Path dataDir) {
        this.vertx = vertx;
        this.vault = vault;
        this.dataDir = dataDir;
        this.admin = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setSsl(true)
                        .setVerifyHost(true)
                        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(vault.certificatePem()))));
        this.adminClient = client(new StaticTokenProvider(ADMIN_TOKEN));
    }

    static LocalVaultOptions defaultOptions(Path dataDir, String region) {
        return new LocalVaultOptions()
                .setDataDir(dataDir)
                .setRegion(region)
                .setVaultUrl(VAULT_URL)
                .setFaultInjection(true)
                .setSystemAssignedIdentity("app")
                .addIdentity(ADMIN_TOKEN, new Identity("admin", Set.of("all")))
                .addIdentity(
                        APP_TOKEN,
                        new Identity(
                                "app", Set.of("get", "list", "wrapKey", "unwrapKey"), APP_CLIENT_ID, APP_CLIENT_SECRET))
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
    KeyId createKey(String name, int size) {
        return await(adminClient.createKey(
                        name,
                        new CreateKeyOptions()
                                .setKeySize(size)
                                .setKeyOps(List.of("wrapKey", "unwrapKey", "encrypt", "decrypt"))))
                .kid();
    }

    KeyId rotate(String name) {
        return await(adminClient.rotateKey(name)).kid();
    }

    /** Sets attributes of a key version (a raw PATCH: vault-client has no update call). */
    void update(String name, String version, JsonObject attributes) {
        String path = "/keys/" + name + "/" + version;
        HttpResponse<Buffer> r = await(admin.request(HttpMethod.PATCH, port(), "127.0.0.1", path + "?api-version=7.4")
                .putHeader("Authorization", "Bearer " + ADMIN_TOKEN)
                .sendJsonObject(new JsonObject().put("attributes", attributes)));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("PATCH " + path + " → " + r.statusCode() + " " + r.bodyAsString());
        }
    }

    void delete(String name) {
        await(adminClient.deleteKey(name));
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
        await(admin.request(HttpMethod.DELETE, port(), "127.0.0.1", "/_admin/faults")
                .send());
    }

    int port() {
        return URI.create(vault.baseUrl()).getPort();
    }

    @Override
    public void close() {
        await(adminClient.close());
        admin.close();
        await(vault.close());
    }
}
