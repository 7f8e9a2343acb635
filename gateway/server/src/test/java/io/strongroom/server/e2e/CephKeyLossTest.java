package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strongroom.server.config.GatewayConfig;
import io.strongroom.store.ceph.CephCluster;
import io.strongroom.vault.local.LocalVault;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key loss on the {@code ceph} backend behaves as on local files: a volume under a customer key in an external vault
 * goes dark (503 {@code KeyInaccessible} for reads and writes) once the key is disabled for the grace period (2 s
 * here), and after the key is enabled again and revalidated every block written before reads back unchanged.
 */
@ExtendWith(CephCluster.Extension.class)
class CephKeyLossTest {
    private static final String VAULT_TOKEN = "ceph-key-loss-vault-token-0123456789abcdef012345";
    private static final int BS = 8192;

    @TempDir
    Path dir;

    @Test
    void aVolumeOnCephGoesDarkWithItsKeyAndComesBack(CephCluster cluster) throws Exception {
        Vertx side = Vertx.vertx();
        LocalVault vault = VaultOperator.startVault(side, dir.resolve("vault"), VAULT_TOKEN);
        VaultOperator vaultOps = new VaultOperator(vault, VAULT_TOKEN);
        try {
            GatewayConfig config = vaultOps.prepareGateway(dir, VAULT_TOKEN)
                    .setStorageBackend("ceph")
                    .setCephConf(cluster.conf())
                    .setCephNamespace(CephCluster.freshNamespace());
            config.keyAccess().setGracePeriod(Duration.ofSeconds(2)).setProbeInterval(Duration.ofMillis(300));
            String kek = vaultOps.kek(VaultOperator.CUSTOMER_KEY);
            try (GatewayFixture gw = GatewayFixture.start(config, null, b -> {})) {
                JsonObject volume = new JsonObject()
                        .put("name", "cust")
                        .put("sizeBytes", 16L * BS)
                        .put("kek", kek)
                        .put("identity", "ops");
                assertEquals(
                        201,
                        gw.json("POST", "/v1/volumes", TestTokens.ADMIN, volume).status());
                byte[] run = BlockApiTest.random(4 * BS, 91);
                assertEquals(
                        204,
                        gw.send("PUT", "/v1/volumes/cust/blocks/0?count=4", TestTokens.DATA_ALL, run)
                                .status());

                vaultOps.setEnabled(VaultOperator.CUSTOMER_KEY, false);
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> gw.get("/v1/volumes/cust/blocks/0", TestTokens.DATA_ALL)
                                        .status()
                                == 503);
                GatewayFixture.Response refusedRead = gw.get("/v1/volumes/cust/blocks/0", TestTokens.DATA_ALL);
                assertEquals("KeyInaccessible", refusedRead.errorCode());
                GatewayFixture.Response refusedWrite =
                        gw.send("PUT", "/v1/volumes/cust/blocks/5", TestTokens.DATA_ALL, BlockApiTest.random(BS, 92));
                assertEquals(503, refusedWrite.status());
                assertEquals("KeyInaccessible", refusedWrite.errorCode());
                assertEquals(
                        "INACCESSIBLE",
                        gw.get("/v1/volumes/cust", TestTokens.ADMIN).json().getString("keyState"));

                vaultOps.setEnabled(VaultOperator.CUSTOMER_KEY, true);
                GatewayFixture.Response revalidated =
                        gw.json("POST", "/v1/keys/revalidate", TestTokens.KEY_ADMIN, new JsonObject().put("kek", kek));
                assertEquals(200, revalidated.status(), new String(revalidated.body()));
                assertArrayEquals(
                        run,
                        gw.get("/v1/volumes/cust/blocks/0?count=4", TestTokens.DATA_ALL)
                                .body(),
                        "every block written before the outage reads back unchanged");
                assertArrayEquals(
                        new byte[BS],
                        gw.get("/v1/volumes/cust/blocks/5", TestTokens.DATA_ALL).body(),
                        "the refused write left nothing");
            }
        } finally {
            vault.close().await(30, TimeUnit.SECONDS);
            side.close().await(30, TimeUnit.SECONDS);
        }
    }
}
