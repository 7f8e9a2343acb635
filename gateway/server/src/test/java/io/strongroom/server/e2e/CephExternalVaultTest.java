package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.server.GatewayProcess;
import io.strongroom.server.config.GatewayConfig;
import io.strongroom.store.ceph.CephCluster;
import io.strongroom.vault.local.LocalVault;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gateways on the {@code ceph} backend (the run's throwaway cluster) with customer keys in an external vault: key loss
 * behaves as on local files, two gateways over one pool serve one volume, one writer at a time, share its seal budget,
 * and one takes the volume over when the other is killed under load.
 */
@ExtendWith(CephCluster.Extension.class)
class CephExternalVaultTest {
    private static final String VAULT_TOKEN = "ceph-e2e-vault-token-0123456789abcdef0123456789ab";
    private static final int BS = 8192;
    /** The object claiming the volume name {@code db} in the pool (docs/SCALE-OUT.md, "Volume names"). */
    private static final String CLAIM = "strongroom.name.db";

    @TempDir
    Path dir;

    private final String namespace = CephCluster.freshNamespace();
    private Vertx side;
    private LocalVault vault;
    private VaultOperator vaultOps;

    @BeforeEach
    void startVault() throws Exception {
        side = Vertx.vertx();
        vault = VaultOperator.startVault(side, dir.resolve("vault"), VAULT_TOKEN);
        vaultOps = new VaultOperator(vault, VAULT_TOKEN);
    }

    @AfterEach
    void stopVault() throws Exception {
        try {
            vault.close().await(30, TimeUnit.SECONDS);
        } finally {
            side.close().await(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Key loss on Ceph as on local files, on every gateway: a volume under a customer key goes dark (503
     * {@code KeyInaccessible} for reads and writes) on both gateways serving it once the key is disabled for the grace
     * period (2 s here), each gateway judging the key by itself, and after the key is enabled again and each gateway
     * revalidated it every block written before reads back unchanged through both.
     */
    @Test
    void aVolumeOnCephGoesDarkWithItsKeyOnEveryGatewayAndComesBack(CephCluster cluster) throws Exception {
        GatewayConfig first = onCeph(vaultOps.prepareGateway(dir.resolve("one"), VAULT_TOKEN), cluster);
        GatewayConfig second = onCeph(vaultOps.gatewayConfig(dir.resolve("two"), VAULT_TOKEN), cluster);
        for (GatewayConfig config : List.of(first, second)) {
            config.keyAccess().setGracePeriod(Duration.ofSeconds(2)).setProbeInterval(Duration.ofMillis(300));
        }
        String kek = vaultOps.kek(VaultOperator.CUSTOMER_KEY);
        try (GatewayFixture writer = GatewayFixture.start(first, null, b -> {});
                GatewayFixture reader = GatewayFixture.start(second, null, b -> {})) {
            JsonObject volume = new JsonObject()
                    .put("name", "cust")
                    .put("sizeBytes", 16L * BS)
                    .put("kek", kek)
                    .put("identity", "ops");
            assertEquals(
                    201,
                    writer.json("POST", "/v1/volumes", TestTokens.ADMIN, volume).status());
            byte[] run = BlockApiTest.random(4 * BS, 91);
            assertEquals(
                    204,
                    writer.send("PUT", "/v1/volumes/cust/blocks/0?count=4", TestTokens.DATA_ALL, run)
                            .status());
            assertArrayEquals(
                    run,
                    reader.get("/v1/volumes/cust/blocks/0?count=4", TestTokens.DATA_ALL)
                            .body());

            vaultOps.setEnabled(VaultOperator.CUSTOMER_KEY, false);
            for (GatewayFixture gw : List.of(writer, reader)) {
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
            }

            vaultOps.setEnabled(VaultOperator.CUSTOMER_KEY, true);
            for (GatewayFixture gw : List.of(writer, reader)) {
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
                        "the refused writes left nothing");
            }
        }
    }

    /**
     * The second gateway serves a volume the first created and wrote; its writes are refused (409
     * {@code VolumeLeasedElsewhere}, naming the first's librados client, without Retry-After) while the first holds the
     * volume's writer lease, and accepted once the first has stopped (a graceful stop releases the lease at once).
     */
    @Test
    void anyGatewayServesTheVolumeAndOneWritesItAtATime(CephCluster cluster) throws Exception {
        GatewayConfig first = onCeph(vaultOps.prepareGateway(dir.resolve("one"), VAULT_TOKEN), cluster);
        GatewayConfig second = onCeph(vaultOps.gatewayConfig(dir.resolve("two"), VAULT_TOKEN), cluster);
        byte[] run = BlockApiTest.random(4 * BS, 93);
        byte[] later = BlockApiTest.random(BS, 94);
        GatewayFixture one = GatewayFixture.start(first, null, b -> {});
        try {
            JsonObject volume = new JsonObject()
                    .put("name", "shared")
                    .put("sizeBytes", 64L * BS)
                    .put("kek", vaultOps.kek(VaultOperator.CUSTOMER_KEY))
                    .put("identity", "ops");
            assertEquals(
                    201,
                    one.json("POST", "/v1/volumes", TestTokens.ADMIN, volume).status());
            assertEquals(
                    204,
                    one.send("PUT", "/v1/volumes/shared/blocks/8?count=4", TestTokens.DATA_ALL, run)
                            .status());
            try (GatewayFixture two = GatewayFixture.start(second, null, b -> {})) {
                assertArrayEquals(
                        run,
                        two.get("/v1/volumes/shared/blocks/8?count=4", TestTokens.DATA_ALL)
                                .body());
                GatewayFixture.Response refused =
                        two.send("PUT", "/v1/volumes/shared/blocks/20", TestTokens.DATA_ALL, later);
                assertEquals(409, refused.status(), new String(refused.body()));
                assertEquals("VolumeLeasedElsewhere", refused.errorCode());
                assertTrue(
                        refused.json()
                                .getJsonObject("error")
                                .getString("message")
                                .startsWith("the volume is written by another gateway (librados client "),
                        new String(refused.body()));
                assertTrue(
                        refused.headers().firstValue("Retry-After").isEmpty(),
                        "retrying here does not help while the other gateway writes");
                one.close();
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> two.send("PUT", "/v1/volumes/shared/blocks/20", TestTokens.DATA_ALL, later)
                                        .status()
                                == 204);
                assertArrayEquals(
                        later,
                        two.get("/v1/volumes/shared/blocks/20", TestTokens.DATA_ALL)
                                .body());
                assertArrayEquals(
                        run,
                        two.get("/v1/volumes/shared/blocks/8?count=4", TestTokens.DATA_ALL)
                                .body());
            }
        } finally {
            one.close();
        }
    }

    /**
     * Both gateways run from the start, so neither learns the volumes below at start-up. A volume created through the
     * first is served by the second at its first request; blocks the first writes after a DEK rollover read back
     * through the second (a block naming a DEK it does not know makes it take the document in); after the first
     * changed the KEK and stopped, the second takes the volume over with the current keys (before, its writes failed
     * with 503 until a restart); a volume deleted through one gateway is gone from the other.
     */
    @Test
    void volumesCreatedRolledOverRotatedAndDeletedThroughOneGatewayAreServedSoByTheOther(CephCluster cluster)
            throws Exception {
        GatewayConfig first = onCeph(vaultOps.prepareGateway(dir.resolve("one"), VAULT_TOKEN), cluster);
        GatewayConfig second = onCeph(vaultOps.gatewayConfig(dir.resolve("two"), VAULT_TOKEN), cluster);
        String kek = vaultOps.kek(VaultOperator.CUSTOMER_KEY);
        byte[] run = BlockApiTest.random(4 * BS, 95);
        byte[] afterRollover = BlockApiTest.random(BS, 96);
        byte[] afterRotation = BlockApiTest.random(BS, 97);
        GatewayFixture one = GatewayFixture.start(first, null, b -> {});
        try (GatewayFixture two = GatewayFixture.start(second, null, b -> {})) {
            JsonObject spec = new JsonObject()
                    .put("name", "late")
                    .put("sizeBytes", 64L * BS)
                    .put("kek", kek)
                    .put("identity", "ops");
            assertEquals(
                    201, one.json("POST", "/v1/volumes", TestTokens.ADMIN, spec).status());
            assertEquals(
                    204,
                    one.send("PUT", "/v1/volumes/late/blocks/0?count=4", TestTokens.DATA_ALL, run)
                            .status());
            assertArrayEquals(
                    run,
                    two.get("/v1/volumes/late/blocks/0?count=4", TestTokens.DATA_ALL)
                            .body(),
                    "the second gateway serves a volume created after it started, at the first request");

            GatewayFixture.Response rolled =
                    one.json("POST", "/v1/volumes/late/rollover", TestTokens.KEY_ADMIN, new JsonObject());
            assertEquals(202, rolled.status(), new String(rolled.body()));
            String newDek = rolled.json().getJsonArray("dekIds").getString(0);
            assertEquals(
                    204,
                    one.send("PUT", "/v1/volumes/late/blocks/10", TestTokens.DATA_ALL, afterRollover)
                            .status());
            assertArrayEquals(
                    afterRollover,
                    two.get("/v1/volumes/late/blocks/10", TestTokens.DATA_ALL).body(),
                    "a block sealed under the DEK the first gateway rolled over to");
            assertEquals(
                    newDek,
                    two.get("/v1/volumes/late", TestTokens.ADMIN)
                            .json()
                            .getJsonArray("dekIds")
                            .getString(0));

            vaultOps.createRsaKey(VaultOperator.CUSTOMER_KEY);
            GatewayFixture.Response rotated = one.json(
                    "PUT",
                    "/v1/volumes/late/kek",
                    TestTokens.KEY_ADMIN,
                    new JsonObject().put("kek", kek).put("identity", "ops"));
            assertEquals(200, rotated.status(), new String(rotated.body()));
            String rotatedKek = rotated.json().getString("kekId");
            await().atMost(Duration.ofSeconds(120))
                    .until(() ->
                            one.get("/v1/volumes/late", TestTokens.ADMIN).json().getJsonObject("rollover") == null);
            one.close();
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> two.send("PUT", "/v1/volumes/late/blocks/20", TestTokens.DATA_ALL, afterRotation)
                                    .status()
                            == 204);
            JsonObject taken = two.get("/v1/volumes/late", TestTokens.ADMIN).json();
            assertEquals(rotatedKek, taken.getString("kekId"), "the second gateway took the new KEK version in");
            assertEquals(List.of(newDek), taken.getJsonArray("dekIds").getList(), "and the end of the re-seal");
            assertArrayEquals(
                    run,
                    two.get("/v1/volumes/late/blocks/0?count=4", TestTokens.DATA_ALL)
                            .body());
            assertArrayEquals(
                    afterRollover,
                    two.get("/v1/volumes/late/blocks/10", TestTokens.DATA_ALL).body());
            assertArrayEquals(
                    afterRotation,
                    two.get("/v1/volumes/late/blocks/20", TestTokens.DATA_ALL).body());

            try (GatewayFixture again = GatewayFixture.start(first, null, b -> {})) {
                assertEquals(
                        200, again.get("/v1/volumes/late", TestTokens.ADMIN).status());
                assertEquals(
                        204,
                        two.send("DELETE", "/v1/volumes/late", TestTokens.ADMIN, null)
                                .status());
                await().atMost(Duration.ofSeconds(60))
                        .until(() ->
                                again.get("/v1/volumes/late", TestTokens.ADMIN).status() == 404);
                assertEquals(
                        "VolumeNotFound",
                        again.get("/v1/volumes/late/blocks/0", TestTokens.DATA_ALL)
                                .errorCode());
            }
        } finally {
            one.close();
        }
    }

    /**
     * A volume name is created once across the gateways over a pool: of two gateways creating {@code db} at once exactly
     * one answers 201, the other 409 {@code VolumeExists}; once deleted, the name is created through the other gateway,
     * and is then refused through the first. A volume whose name has no claim (a pool written before names were
     * claimed; the claim object removed by hand) has it claimed again when a gateway starts, so the other gateway is
     * refused once more.
     */
    @Test
    void aVolumeNameIsCreatedByOneGatewayOnly(CephCluster cluster) throws Exception {
        GatewayConfig first = onCeph(vaultOps.prepareGateway(dir.resolve("one"), VAULT_TOKEN), cluster);
        GatewayConfig second = onCeph(vaultOps.gatewayConfig(dir.resolve("two"), VAULT_TOKEN), cluster);
        JsonObject db = new JsonObject()
                .put("name", "db")
                .put("sizeBytes", 16L * BS)
                .put("kek", vaultOps.kek(VaultOperator.CUSTOMER_KEY))
                .put("identity", "ops");
        ExecutorService clients = Executors.newFixedThreadPool(2);
        List<GatewayFixture> gateways = new ArrayList<>();
        try {
            gateways.add(GatewayFixture.start(first, null, b -> {}));
            gateways.add(GatewayFixture.start(second, null, b -> {}));
            List<Future<GatewayFixture.Response>> racing = clients.invokeAll(gateways.stream()
                    .<Callable<GatewayFixture.Response>>map(
                            gw -> () -> gw.json("POST", "/v1/volumes", TestTokens.ADMIN, db))
                    .toList());
            int won = racing.get(0).get().status() == 201 ? 0 : 1;
            assertEquals(
                    201,
                    racing.get(won).get().status(),
                    new String(racing.get(won).get().body()));
            GatewayFixture.Response refused = racing.get(1 - won).get();
            assertEquals(409, refused.status(), new String(refused.body()));
            assertEquals("VolumeExists", refused.errorCode());
            GatewayFixture winner = gateways.get(won);
            GatewayFixture other = gateways.get(1 - won);

            assertEquals(
                    204,
                    winner.send("DELETE", "/v1/volumes/db", TestTokens.ADMIN, null)
                            .status());
            // 409 until the other gateway has seen the deletion (its refresh of the pool): nothing created meanwhile
            AtomicReference<GatewayFixture.Response> again = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                again.set(other.json("POST", "/v1/volumes", TestTokens.ADMIN, db));
                assertTrue(again.get().status() == 201 || again.get().status() == 409);
                return again.get().status() == 201;
            });
            String id = again.get().json().getString("id");
            assertEquals(id, rados(cluster, "get", CLAIM, "-"), "the claim names the volume");
            assertEquals(
                    409,
                    winner.json("POST", "/v1/volumes", TestTokens.ADMIN, db).status());

            rados(cluster, "rm", CLAIM);
            other.close();
            gateways.set(1 - won, GatewayFixture.start(won == 0 ? second : first, null, b -> {}));
            assertEquals(id, rados(cluster, "get", CLAIM, "-"), "claimed when the gateway started");
            assertEquals(
                    id,
                    gateways.get(1 - won)
                            .get("/v1/volumes/db", TestTokens.ADMIN)
                            .json()
                            .getString("id"));
            assertEquals(
                    409,
                    winner.json("POST", "/v1/volumes", TestTokens.ADMIN, db).status());
        } finally {
            clients.shutdownNow();
            for (GatewayFixture gw : gateways) {
                gw.close();
            }
        }
    }

    /**
     * The seal budget is shared through the volume document: a gateway that loaded the document at start-up and takes
     * the volume over after another gateway raised its reservation (here by restarting and writing twice) counts
     * above that reservation, and the reservation it persists is never lower than the one before. Before the
     * taking-over gateway re-read the document it counted from the reservation it had loaded (an under-count) and
     * persisted a lower reservation.
     */
    @Test
    void aGatewayTakingAVolumeOverCountsAboveTheReservationItsLastWriterPersisted(CephCluster cluster)
            throws Exception {
        GatewayConfig first = onCeph(vaultOps.prepareGateway(dir.resolve("one"), VAULT_TOKEN), cluster);
        GatewayConfig second = onCeph(vaultOps.gatewayConfig(dir.resolve("two"), VAULT_TOKEN), cluster);
        try (GatewayFixture one = GatewayFixture.start(first, null, b -> {})) {
            assertEquals(
                    201,
                    one.json(
                                    "POST",
                                    "/v1/volumes",
                                    TestTokens.ADMIN,
                                    new JsonObject().put("name", "budget").put("sizeBytes", 64L * BS))
                            .status());
            assertEquals(204, writeBlock(one, 0));
        }
        long persistedBefore;
        long counted;
        try (GatewayFixture two = GatewayFixture.start(second, null, b -> {})) {
            for (int i = 1; i <= 2; i++) {
                try (GatewayFixture one = GatewayFixture.start(first, null, b -> {})) {
                    assertEquals(204, writeBlock(one, i));
                }
            }
            try (GatewayFixture one = GatewayFixture.start(first, null, b -> {})) {
                persistedBefore = dekInvocations(one);
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> writeBlock(two, 3) == 204);
            counted = dekInvocations(two);
            assertTrue(
                    counted > persistedBefore,
                    "the gateway taking over counts above the reservation the last writer persisted: " + counted
                            + " <= " + persistedBefore);
        }
        try (GatewayFixture one = GatewayFixture.start(first, null, b -> {})) {
            long persistedAfter = dekInvocations(one);
            assertTrue(
                    persistedAfter >= counted && persistedAfter > persistedBefore,
                    "the reservation persisted covers every seal and never went down: " + persistedAfter + " after "
                            + persistedBefore + ", " + counted + " counted");
        }
    }

    /**
     * Failover of whole gateways: two {@code strongroom} processes over the pool and the vault, with the same tokens.
     * The client writes a volume through the first under load, the first is killed (SIGKILL) mid-load, and the client
     * retries each refused write on the second until it has taken the volume's writer lease over (after the default
     * 10 s lease) and fenced the first. Every acknowledged write then reads back through the second, no block is torn,
     * and the second served writes after the takeover. Prints the takeover time (kill to the second gateway's first
     * acknowledged write), the figure in docs/SCALE-OUT.md.
     */
    @Test
    void anotherGatewayTakesAKilledGatewaysVolumeOverWithEveryAcknowledgedWrite(CephCluster cluster) throws Exception {
        vaultOps.prepareGateway(dir.resolve("a"), VAULT_TOKEN);
        vaultOps.gatewayConfig(dir.resolve("b"), VAULT_TOKEN);
        long blocks = 16_384;
        try (GatewayProcess a = startProcess(cluster, "a")) {
            JsonObject volume = new JsonObject().put("name", "failover").put("sizeBytes", blocks * BS);
            HttpResponse<byte[]> created = a.send(
                    "POST", "/v1/volumes", TestTokens.ADMIN, volume.toBuffer().getBytes());
            assertEquals(201, created.statusCode(), () -> new String(created.body(), StandardCharsets.UTF_8));
            try (GatewayProcess b = startProcess(cluster, "b");
                    FailoverLoad load = new FailoverLoad(a, "failover", blocks, 6)) {
                await().atMost(Duration.ofSeconds(120)).until(() -> load.acknowledged() >= 60);
                long killed = System.nanoTime();
                a.kill();
                load.moveTo(b);
                await().atMost(Duration.ofSeconds(120))
                        .untilAsserted(() -> assertTrue(
                                load.ackedByTarget() >= 40,
                                () -> "the second gateway serves writes after the takeover; last refusal: "
                                        + load.lastRefusal() + "\n" + b.log()));
                load.stop();
                System.out.printf(
                        "gateway failover: %s, %d by the second gateway; takeover %d ms after the kill%n",
                        load.summary(),
                        load.ackedByTarget(),
                        TimeUnit.NANOSECONDS.toMillis(load.firstAckByTarget() - killed));
                load.verify(b);
            }
        }
    }

    /** The gateway as a process on the pool, the vault and the tokens {@link VaultOperator#gatewayConfig} prepared. */
    private GatewayProcess startProcess(CephCluster cluster, String name) {
        Path home = dir.resolve(name);
        List<String> flags = List.of(
                "--storage-backend",
                "ceph",
                "--storage-ceph-conf",
                cluster.conf().toString(),
                "--storage-ceph-namespace",
                namespace,
                "--vault-url",
                vault.vaultUrl(),
                "--vault-trust-pem",
                home.resolve("vault-ca.pem").toString(),
                "--vault-identity",
                "ops",
                "--vault-local-region",
                vault.region(),
                "--service-kek",
                vaultOps.kek(VaultOperator.SERVICE_KEY));
        String identities = new JsonObject()
                .put("ops", new JsonObject().put("type", "static").put("token", VAULT_TOKEN))
                .encode();
        return GatewayProcess.start(
                home.resolve("data"), dir, name, flags, Map.of("STRONGROOM_IDENTITIES", identities));
    }

    private static int writeBlock(GatewayFixture gw, int block) throws Exception {
        return gw.send(
                        "PUT",
                        "/v1/volumes/budget/blocks/" + block,
                        TestTokens.DATA_ALL,
                        BlockApiTest.random(BS, 100 + block))
                .status();
    }

    private static long dekInvocations(GatewayFixture gw) throws Exception {
        return gw.get("/v1/volumes/budget", TestTokens.ADMIN)
                .json()
                .getJsonObject("counters")
                .getLong("dekInvocations");
    }

    /** Runs the {@code rados} tool on the test's namespace of the cluster's pool; returns what it printed. */
    private String rados(CephCluster cluster, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "rados", "-c", cluster.conf().toString(), "-p", new GatewayConfig().getCephPool(), "-N", namespace));
        command.addAll(List.of(args));
        Path errors = dir.resolve("rados.err");
        Process p = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "rados " + String.join(" ", args));
        assertEquals(0, p.exitValue(), () -> "rados " + String.join(" ", args) + ": " + readString(errors));
        return out;
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private GatewayConfig onCeph(GatewayConfig config, CephCluster cluster) {
        return config.setStorageBackend("ceph").setCephConf(cluster.conf()).setCephNamespace(namespace);
    }
}
