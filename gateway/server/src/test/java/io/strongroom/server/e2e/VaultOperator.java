package io.strongroom.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strongroom.core.keys.IdentityConfig;
import io.strongroom.core.testkit.Await;
import io.strongroom.server.config.GatewayConfig;
import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.LocalVault;
import io.strongroom.vault.local.LocalVaultOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Set;

/**
 * The operator of an external local-vault in an end-to-end test: calls its keys REST API over HTTPS with a token of
 * an identity allowed everything, and prepares a gateway for it the way an operator would (keys {@value #SERVICE_KEY}
 * and {@value #CUSTOMER_KEY} created, the vault's certificate trusted, identity {@code ops} a static token).
 */
final class VaultOperator {
    static final String SERVICE_KEY = "service-key";
    static final String CUSTOMER_KEY = "customer-kek";

    private final LocalVault vault;
    private final String token;
    private final HttpClient http;

    /**
     * Calls go through the JDK's blocking client on the test's thread, not a Vert.x client: its first TLS handshake
     * loads and sets up classes for a noticeable time, which on an event loop trips the blocked-thread watchdog on
     * a loaded machine.
     */
    VaultOperator(LocalVault vault, String token) throws Exception {
        this.vault = vault;
        this.token = token;
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(
                        new ByteArrayInputStream(vault.certificatePem().getBytes(StandardCharsets.US_ASCII)));
        this.http = HttpClient.newBuilder()
                .sslContext(TestCertificates.clientContext(certificate, null))
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** Starts a local-vault with its data in {@code dataDir} and one identity, allowed everything, holding {@code token}. */
    static LocalVault startVault(Vertx vertx, Path dataDir, String token) {
        return Await.result(LocalVault.start(
                vertx,
                new LocalVaultOptions()
                        .setDataDir(dataDir)
                        .addIdentity(token, new Identity("operator", Set.of("all")))));
    }

    /** Sends {@code body} to {@code path} of the keys API and asserts the vault answered 200. */
    void call(String method, String path, JsonObject body) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(URI.create(vault.baseUrl() + path + "?api-version=7.4"))
                        .timeout(Duration.ofSeconds(60))
                        .header("authorization", "Bearer " + token)
                        .header("content-type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body.encode()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), () -> method + " " + path + ": " + answer.body());
    }

    /** Creates an RSA key, or a new version of it. */
    void createRsaKey(String name) throws IOException, InterruptedException {
        call("POST", "/keys/" + name + "/create", new JsonObject().put("kty", "RSA"));
    }

    /** Enables or disables every version of a key. */
    void setEnabled(String name, boolean enabled) throws IOException, InterruptedException {
        call("PATCH", "/keys/" + name, new JsonObject().put("attributes", new JsonObject().put("enabled", enabled)));
    }

    /** The key's identifier without a version, as a volume names its KEK. */
    String kek(String name) {
        return vault.vaultUrl() + "/keys/" + name;
    }

    /**
     * Creates both keys and returns the configuration of a gateway on {@code dir}/data (test tokens written) whose
     * service KEK is {@value #SERVICE_KEY}, reaching the vault as identity {@code ops} with {@code gatewayToken}.
     */
    GatewayConfig prepareGateway(Path dir, String gatewayToken) throws IOException, InterruptedException {
        createRsaKey(SERVICE_KEY);
        createRsaKey(CUSTOMER_KEY);
        return gatewayConfig(dir, gatewayToken);
    }

    /** The configuration {@link #prepareGateway} returns, for keys created already (a second gateway on the vault). */
    GatewayConfig gatewayConfig(Path dir, String gatewayToken) throws IOException {
        Files.createDirectories(dir);
        Path trust = dir.resolve("vault-ca.pem");
        Files.writeString(trust, vault.certificatePem());
        Path data = dir.resolve("data");
        TestTokens.write(data);
        GatewayConfig config = GatewayFixture.config(data)
                .setServiceKek(kek(SERVICE_KEY))
                .putIdentity("ops", new IdentityConfig.StaticToken(gatewayToken));
        config.vault()
                .setUrl(vault.vaultUrl())
                .setTrustPemPath(trust)
                .setIdentity("ops")
                .setLocalRegion(vault.region());
        return config;
    }
}
