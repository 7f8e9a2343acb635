package io.strongroom.server.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.keys.IdentityConfig;
import io.strongroom.server.config.GatewayConfig;
import io.strongroom.vault.local.LocalVault;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway configured for an external vault (a separate local-vault over HTTPS), a customer KEK per volume. */
class ExternalVaultTest {
    private static final String VAULT_TOKEN = "external-vault-token-0123456789abcdef0123456789";

    @TempDir
    Path dir;

    @Test
    void volumesUnderTheServiceKeyAndACustomerKey() throws Exception {
        Vertx vaultVertx = Vertx.vertx();
        LocalVault vault = VaultOperator.startVault(vaultVertx, dir.resolve("external-vault"), VAULT_TOKEN);
        try {
            VaultKeys.create(vaultVertx, vault, VAULT_TOKEN, "service-key");
            VaultKeys.create(vaultVertx, vault, VAULT_TOKEN, "customer-kek");
            Path trust = dir.resolve("vault-ca.pem");
            Files.writeString(trust, vault.certificatePem());
            Path data = dir.resolve("data");
            TestTokens.write(data);
            GatewayConfig config = GatewayFixture.config(data)
                    .setServiceKek(vault.vaultUrl() + "/keys/service-key")
                    .putIdentity("ops", new IdentityConfig.StaticToken(VAULT_TOKEN));
            config.vault()
                    .setUrl(vault.vaultUrl())
                    .setTrustPemPath(trust)
                    .setIdentity("ops")
                    .setLocalRegion(vault.region());

            try (GatewayFixture gw = GatewayFixture.start(config, null, b -> {})) {
                GatewayFixture.Response service = gw.json(
                        "POST",
                        "/v1/volumes",
                        TestTokens.ADMIN,
                        new JsonObject().put("name", "svc").put("sizeBytes", 8L * 8192));
                assertEquals(201, service.status(), new String(service.body()));
                assertTrue(service.json().getString("kek").startsWith(vault.vaultUrl() + "/keys/service-key/"));

                GatewayFixture.Response customer = gw.json(
                        "POST",
                        "/v1/volumes",
                        TestTokens.ADMIN,
                        new JsonObject()
                                .put("name", "cust")
                                .put("sizeBytes", 8L * 8192)
                                .put("kek", vault.vaultUrl() + "/keys/customer-kek")
                                .put("identity", "ops"));
                assertEquals(201, customer.status(), new String(customer.body()));
                assertTrue(customer.json().getString("kek").startsWith(vault.vaultUrl() + "/keys/customer-kek/"));

                byte[] block = BlockApiTest.random(8192, 51);
                assertEquals(
                        204,
                        gw.send("PUT", "/v1/volumes/cust/blocks/7", TestTokens.DATA_ALL, block)
                                .status());
                assertArrayEquals(
                        block,
                        gw.get("/v1/volumes/cust/blocks/7", TestTokens.DATA_ALL).body());

                GatewayFixture.Response elsewhere = gw.json(
                        "POST",
                        "/v1/volumes",
                        TestTokens.ADMIN,
                        new JsonObject()
                                .put("name", "other")
                                .put("sizeBytes", 8192)
                                .put("kek", "https://attacker.example/keys/k"));
                assertEquals(400, elsewhere.status());
                assertEquals("InvalidArgument", elsewhere.errorCode());

                String metrics = new String(gw.get("/metrics", TestTokens.ADMIN).body());
                String labels = "{endpoint=\"" + vault.baseUrl()
                        + "\",region=\"local\",operation=\"wrap\",cross_region=\"false\"";
                String wraps = "strongroom_vault_call_duration_seconds_count" + labels + "} ";
                long calls = counter(metrics, wraps);
                assertTrue(calls >= 2, "one wrap per volume at least: " + metrics);
                assertEquals(
                        calls,
                        counter(metrics, "strongroom_vault_call_duration_seconds_bucket" + labels + ",le=\"+Inf\"} "),
                        metrics);
                assertEquals(
                        calls,
                        counter(new String(gw.get("/metrics", TestTokens.ADMIN).body()), wraps),
                        "the call count is cumulative across scrapes");
                assertTrue(gw.get("/health", TestTokens.ADMIN)
                        .json()
                        .getJsonObject("vault")
                        .containsKey("warnings"));
            }
        } finally {
            vault.close().await(30, TimeUnit.SECONDS);
            vaultVertx.close().await(30, TimeUnit.SECONDS);
        }
    }

    private static long counter(String metrics, String prefix) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(prefix)) {
                return Long.parseLong(line.substring(prefix.length()));
            }
        }
        throw new AssertionError("no " + prefix + " in\n" + metrics);
    }
}
