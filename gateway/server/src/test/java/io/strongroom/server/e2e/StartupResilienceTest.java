package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.keys.IdentityConfig;
import io.strongroom.core.testkit.Await;
import io.strongroom.server.config.GatewayConfig;
import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.LocalVault;
import io.strongroom.vault.local.LocalVaultOptions;
import io.strongroom.vault.local.tls.SelfSignedCertificate;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up does not depend on the vault answering in time. The embedded vault is in the same process: its service-key
 * check ignores the configured vault deadlines (meant for a remote vault). An external vault that is down at start-up
 * does not stop the gateway: its volumes answer 503 KeyUnavailable and serve again once the vault is back, without a
 * restart (docs/KEY-ACCESS.md, "Start-up with an unreachable vault").
 */
class StartupResilienceTest {
    private static final String VAULT_TOKEN = "resilience-vault-token-0123456789abcdef0123";

    @TempDir
    Path dir;

    @Test
    void anEmbeddedVaultStartIgnoresTheConfiguredVaultDeadlines() throws Exception {
        Path data = dir.resolve("data");
        TestTokens.write(data);
        // Deadlines no vault call can meet: as on a machine too loaded to answer in time.
        GatewayConfig impatient = GatewayFixture.config(data);
        impatient.vault().setCallDeadline(Duration.ofMillis(1)).setAttemptTimeout(Duration.ofMillis(1));
        try (GatewayFixture gw = GatewayFixture.start(impatient, null, b -> {})) {
            GatewayFixture.Response refused = gw.json("POST", "/v1/volumes", TestTokens.ADMIN, volume("db"));
            assertEquals(
                    503, refused.status(), "the gateway's own vault calls do use them: " + new String(refused.body()));
        }
        try (GatewayFixture gw = GatewayFixture.start(data)) {
            GatewayFixture.Response created = gw.json("POST", "/v1/volumes", TestTokens.ADMIN, volume("db"));
            assertEquals(201, created.status(), new String(created.body()));
            assertTrue(created.json()
                    .getString("kek")
                    .startsWith("https://embedded-vault.strongroom.invalid/keys/strongroom-service-key/"));
        }
    }

    @Test
    void anUnreachableExternalVaultServes503KeyUnavailableUntilItIsBackWithoutARestart() throws Exception {
        Vertx vaultVertx = Vertx.vertx();
        ExternalVault vault = new ExternalVault(vaultVertx, dir.resolve("vault"));
        try {
            vault.start();
            VaultKeys.create(vaultVertx, vault.running, VAULT_TOKEN, "service-key");
            Path trust = dir.resolve("vault-ca.pem");
            Files.writeString(trust, vault.certificate.certificatePem());
            Path data = dir.resolve("data");
            TestTokens.write(data);
            GatewayConfig config = GatewayFixture.config(data)
                    .setServiceKek(vault.vaultUrl() + "/keys/service-key")
                    .putIdentity("ops", new IdentityConfig.StaticToken(VAULT_TOKEN));
            config.vault().setUrl(vault.vaultUrl()).setTrustPemPath(trust).setIdentity("ops");

            byte[] block = BlockApiTest.random(8192, 77);
            try (GatewayFixture gw = GatewayFixture.start(config, null, b -> {})) {
                assertEquals(
                        201,
                        gw.json("POST", "/v1/volumes", TestTokens.ADMIN, volume("db"))
                                .status());
                assertEquals(
                        204,
                        gw.send("PUT", "/v1/volumes/db/blocks/3", TestTokens.DATA_ALL, block)
                                .status());
            }
            vault.stop();

            try (GatewayFixture gw = GatewayFixture.start(config, null, b -> {})) {
                GatewayFixture.Response down = gw.get("/v1/volumes/db/blocks/3", TestTokens.DATA_ALL);
                assertEquals(503, down.status());
                assertEquals("KeyUnavailable", down.errorCode());

                vault.start();
                await("the volume serving again once the vault is back")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> gw.get("/v1/volumes/db/blocks/3", TestTokens.DATA_ALL)
                                        .status()
                                == 200);
                assertArrayEquals(
                        block,
                        gw.get("/v1/volumes/db/blocks/3", TestTokens.DATA_ALL).body());
            }
        } finally {
            vault.stop();
            Await.result(vaultVertx.close());
        }
    }

    private static JsonObject volume(String name) {
        return new JsonObject().put("name", name).put("sizeBytes", 8L * 8192);
    }

    /** A local-vault that can be stopped and started again on the same port, data and certificate. */
    private static final class ExternalVault {
        final Vertx vertx;
        final Path dataDir;
        final SelfSignedCertificate certificate = SelfSignedCertificate.generate("127.0.0.1");
        final int port;
        LocalVault running;

        ExternalVault(Vertx vertx, Path dataDir) throws Exception {
            this.vertx = vertx;
            this.dataDir = dataDir;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                this.port = probe.getLocalPort();
            }
        }

        String vaultUrl() {
            return "https://127.0.0.1:" + port;
        }

        void start() {
            running = Await.result(LocalVault.start(
                    vertx,
                    new LocalVaultOptions()
                            .setDataDir(dataDir)
                            .setHost("127.0.0.1")
                            .setPort(port)
                            .setTlsCertPem(certificate.certificatePem())
                            .setTlsKeyPem(certificate.privateKeyPem())
                            .addIdentity(VAULT_TOKEN, new Identity("operator", Set.of("all")))));
        }

        void stop() {
            if (running != null) {
                Await.result(running.close());
                running = null;
            }
        }
    }
}
