package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.server.config.GatewayConfig;
import io.strongroom.vault.local.LocalVault;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key loss follows each copy's own key (docs/REPLICAS.md): two gateways on one local vault, grace period 2 s.
 * Revoking the primary volume's KEK makes the primary volume INACCESSIBLE while its replica, under another KEK, keeps
 * serving the same blocks; revoking the replicas' KEK makes them INACCESSIBLE while the primary volume they follow
 * serves on.
 */
class ReplicaKeyLossTest {
    private static final int BS = 8192;
    private static final int BLOCKS = 16;
    private static final String VAULT_TOKEN = "replica-key-loss-vault-token-0123456789abcdef";
    private static final String REPLICA_KEY = "replica-kek";
    private static final String A = TestTokens.ADMIN;
    private static final String D = TestTokens.DATA_ALL;

    @TempDir
    Path dir;

    private static GatewayConfig shortGrace(GatewayConfig config) {
        config.keyAccess().setGracePeriod(Duration.ofSeconds(2)).setProbeInterval(Duration.ofMillis(300));
        return config;
    }

    private static void created(GatewayFixture.Response r) {
        assertEquals(201, r.status(), () -> new String(r.body(), StandardCharsets.UTF_8));
    }

    private static void assertInaccessible(GatewayFixture gw, String volume) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            GatewayFixture.Response r = gw.get("/v1/volumes/" + volume + "/blocks/0", D);
            return r.status() == 503 && r.errorCode().equals("KeyInaccessible");
        });
    }

    @Test
    void eachCopyGoesDarkWithItsOwnKeyOnly() throws Exception {
        Vertx side = Vertx.vertx();
        LocalVault vault = VaultOperator.startVault(side, dir.resolve("vault"), VAULT_TOKEN);
        VaultOperator ops = new VaultOperator(vault, VAULT_TOKEN);
        try {
            GatewayConfig primaryConfig = shortGrace(ops.prepareGateway(dir.resolve("p"), VAULT_TOKEN));
            ops.createRsaKey(REPLICA_KEY);
            GatewayConfig replicaConfig = shortGrace(ops.gatewayConfig(dir.resolve("r"), VAULT_TOKEN));
            try (GatewayFixture primary = GatewayFixture.start(primaryConfig, null, b -> {});
                    GatewayFixture replica = GatewayFixture.start(replicaConfig, null, b -> {})) {
                created(primary.json(
                        "POST",
                        "/v1/volumes",
                        A,
                        new JsonObject()
                                .put("name", "cust")
                                .put("sizeBytes", (long) BLOCKS * BS)
                                .put("kek", ops.kek(VaultOperator.CUSTOMER_KEY))
                                .put("identity", "ops")));
                created(primary.json(
                        "POST",
                        "/v1/volumes",
                        A,
                        new JsonObject().put("name", "svc").put("sizeBytes", (long) BLOCKS * BS)));
                byte[] cust = BlockApiTest.random(BLOCKS * BS, 11);
                byte[] svc = BlockApiTest.random(BLOCKS * BS, 12);
                assertEquals(
                        204,
                        primary.send("PUT", "/v1/volumes/cust/blocks/0?count=" + BLOCKS, D, cust)
                                .status());
                assertEquals(
                        204,
                        primary.send("PUT", "/v1/volumes/svc/blocks/0?count=" + BLOCKS, D, svc)
                                .status());

                for (String volume : new String[] {"cust", "svc"}) {
                    created(replica.json(
                            "POST",
                            "/v1/replicas",
                            A,
                            new JsonObject()
                                    .put("name", volume + "-r")
                                    .put("primaryUrl", primary.gateway.baseUrl())
                                    .put("primaryVolume", volume)
                                    .put("token", TestTokens.REPLICATION)
                                    .put("kekId", ops.kek(REPLICA_KEY))
                                    .put("identity", "ops")
                                    .put("intervalMillis", 100)));
                    await().atMost(Duration.ofSeconds(60))
                            .until(() -> replica.get("/v1/replicas/" + volume + "-r", A)
                                            .json()
                                            .getLong("cycles")
                                    >= 1);
                    assertTrue(replica.get("/v1/volumes/" + volume + "-r", A)
                            .json()
                            .getString("kek")
                            .contains(REPLICA_KEY));
                }
                String all = "/blocks/0?count=" + BLOCKS;
                assertArrayEquals(
                        cust, replica.get("/v1/volumes/cust-r" + all, D).body());
                assertArrayEquals(svc, replica.get("/v1/volumes/svc-r" + all, D).body());

                // The primary volume's KEK revoked: the primary goes dark, its replica serves on under its own key.
                ops.setEnabled(VaultOperator.CUSTOMER_KEY, false);
                assertInaccessible(primary, "cust");
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> replica.get("/v1/replicas/cust-r", A)
                                .json()
                                .getString("state")
                                .equals("primary-unreachable"));
                String why = replica.get("/v1/replicas/cust-r", A).json().getString("lastError");
                assertTrue(why.contains("KeyInaccessible") || why.contains("KeyUnavailable"), why);
                assertArrayEquals(
                        cust, replica.get("/v1/volumes/cust-r" + all, D).body());

                // The replicas' KEK revoked: both replicas go dark, the primary volume they follow serves on.
                ops.setEnabled(REPLICA_KEY, false);
                assertInaccessible(replica, "svc-r");
                assertInaccessible(replica, "cust-r");
                assertArrayEquals(svc, primary.get("/v1/volumes/svc" + all, D).body());
            }
        } finally {
            vault.close().await(30, TimeUnit.SECONDS);
            side.close().await(30, TimeUnit.SECONDS);
        }
    }
}
