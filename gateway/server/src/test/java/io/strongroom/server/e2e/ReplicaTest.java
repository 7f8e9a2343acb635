package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read replicas between two real gateways (docs/REPLICAS.md): a replica created over HTTP follows a volume the
 * primary keeps writing and trimming, serves reads and refuses writes, converges (every block equal, by hash) once
 * the writes stop, and is promoted into a writable volume; bad input gets clear codes and leaves nothing behind.
 */
class ReplicaTest {
    private static final int BS = 8192;
    private static final int BLOCKS = 256;
    private static final String A = TestTokens.ADMIN;
    private static final String D = TestTokens.DATA_ALL;

    @TempDir
    static Path dir;

    static GatewayFixture primary;
    static GatewayFixture replica;

    @BeforeAll
    static void start() throws Exception {
        TestTokens.write(dir.resolve("p"));
        TestTokens.write(dir.resolve("r"));
        primary = GatewayFixture.start(dir.resolve("p"));
        replica = GatewayFixture.start(GatewayFixture.config(dir.resolve("r")).setNbdPort(0), null, c -> {});
        for (String name : List.of("db", "other")) {
            assertEquals(
                    201,
                    primary.json(
                                    "POST",
                                    "/v1/volumes",
                                    A,
                                    new JsonObject().put("name", name).put("sizeBytes", (long) BLOCKS * BS))
                            .status());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (replica != null) {
                replica.close();
            }
        } finally {
            if (primary != null) {
                primary.close();
            }
        }
    }

    private static JsonObject replicaSpec(String name, String volume) {
        return new JsonObject()
                .put("name", name)
                .put("primaryUrl", primary.gateway.baseUrl())
                .put("primaryVolume", volume)
                .put("token", TestTokens.REPLICATION)
                .put("intervalMillis", 50);
    }

    private static JsonObject info(String name) throws Exception {
        GatewayFixture.Response r = replica.get("/v1/replicas/" + name, A);
        assertEquals(200, r.status(), () -> new String(r.body(), StandardCharsets.UTF_8));
        return r.json();
    }

    /** The real {@code nbdcopy} writing into the replica's volume over NBD fails with EPERM. */
    private static void assertNbdWriteRefused() throws Exception {
        Path image = dir.resolve("image.bin");
        byte[] data = new byte[4 * BS];
        ThreadLocalRandom.current().nextBytes(data);
        Files.write(image, data);
        Process copy = new ProcessBuilder(
                        "nbdcopy", image.toString(), "nbd://127.0.0.1:" + replica.gateway.nbdPort() + "/db-r")
                .redirectErrorStream(true)
                .start();
        assertTrue(copy.waitFor(120, TimeUnit.SECONDS), "nbdcopy did not end");
        String out = new String(copy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertNotEquals(0, copy.exitValue(), out);
        assertTrue(out.contains("Operation not permitted"), out);
    }

    /** The types of the activity events about {@code volume} on the replica gateway. */
    private static List<String> activity(String volume) throws Exception {
        return replica.get("/v1/activity?volume=" + volume, A).json().getJsonArray("events").stream()
                .map(e -> ((JsonObject) e).getString("type"))
                .toList();
    }

    /** SHA-256 of every block of {@code volume}, read over HTTP 64 blocks at a time. */
    private static String digest(GatewayFixture gw, String volume) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (int first = 0; first < BLOCKS; first += 64) {
            GatewayFixture.Response r = gw.get("/v1/volumes/" + volume + "/blocks/" + first + "?count=64", D);
            assertEquals(200, r.status(), () -> new String(r.body(), StandardCharsets.UTF_8));
            digest.update(r.body());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Test
    void aReplicaUnderWriteLoadConvergesRefusesWritesAndIsPromoted() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            try {
                while (writing.get()) {
                    int n = random.nextInt(BLOCKS - 4);
                    if (random.nextInt(10) == 0) {
                        primary.json(
                                "POST",
                                "/v1/volumes/db/trim",
                                D,
                                new JsonObject().put("first", n).put("count", 3));
                    } else {
                        int count = 1 + random.nextInt(3);
                        byte[] data = new byte[BS * count];
                        random.nextBytes(data);
                        GatewayFixture.Response w =
                                primary.send("PUT", "/v1/volumes/db/blocks/" + n + "?count=" + count, D, data);
                        if (w.status() != 204) {
                            throw new IllegalStateException("write answered " + w.status());
                        }
                    }
                    writes.incrementAndGet();
                }
            } catch (Exception e) {
                failure.set(e);
            }
        });
        writer.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> writes.get() > 200);

        GatewayFixture.Response created = replica.json("POST", "/v1/replicas", A, replicaSpec("db-r", "db"));
        assertEquals(201, created.status(), () -> new String(created.body(), StandardCharsets.UTF_8));
        assertEquals("db", created.json().getString("primaryVolume"));

        // Follows while the primary writes: several whole cycles applied, reads served, writes refused.
        await().atMost(Duration.ofSeconds(120)).until(() -> info("db-r").getLong("cycles") >= 3);
        assertEquals("following", info("db-r").getString("state"), () -> {
            try {
                return info("db-r").encode();
            } catch (Exception e) {
                return e.toString();
            }
        });
        assertNotNull(info("db-r").getDouble("lagSeconds"));
        assertEquals(200, replica.get("/v1/volumes/db-r/blocks/0?count=4", D).status());
        assertCode(replica.send("PUT", "/v1/volumes/db-r/blocks/0", D, new byte[BS]), 409, "ReadOnlyReplica");
        assertCode(
                replica.json(
                        "POST",
                        "/v1/volumes/db-r/trim",
                        D,
                        new JsonObject().put("first", 0).put("count", 1)),
                409,
                "ReadOnlyReplica");
        assertCode(replica.send("DELETE", "/v1/volumes/db-r", A, null), 409, "ReadOnlyReplica");
        assertNbdWriteRefused();
        long writesBefore = writes.get();
        await().atMost(Duration.ofSeconds(60)).until(() -> writes.get() > writesBefore + 100);

        writing.set(false);
        writer.join();
        assertNull(failure.get());
        long cyclesAtStop = info("db-r").getLong("cycles");
        // A cycle that started after the last write holds it: two more whole cycles make sure one did.
        await().atMost(Duration.ofSeconds(120)).until(() -> info("db-r").getLong("cycles") >= cyclesAtStop + 2);
        assertEquals(digest(primary, "db"), digest(replica, "db-r"));

        // The primary keeps at most the stream's base and current cycle as snapshots.
        JsonArray snaps = primary.get("/v1/volumes/db/snapshots", A).json().getJsonArray("snapshots");
        assertTrue(snaps.size() >= 1 && snaps.size() <= 2, snaps::encode);
        snaps.forEach(s -> assertTrue(((JsonObject) s).getString("name").startsWith("repl-")));

        // The token is in its 0600 file only: never in an answer or the replica's state document.
        GatewayFixture.Response listed = replica.get("/v1/replicas", A);
        assertFalse(new String(listed.body(), StandardCharsets.UTF_8).contains(TestTokens.REPLICATION));
        Path state = replica.dataDir.resolve("replicas");
        assertFalse(Files.readString(state.resolve("db-r.json")).contains(TestTokens.REPLICATION));
        assertEquals(
                "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("db-r.token"))));

        String metrics = new String(replica.get("/metrics", A).body(), StandardCharsets.UTF_8);
        assertTrue(metrics.contains("strongroom_replica_cycles_total{replica=\"db-r\"}"), metrics);
        assertTrue(metrics.contains("strongroom_replica_following{replica=\"db-r\"} 1"), metrics);
        assertTrue(metrics.contains("strongroom_replica_lag_seconds{replica=\"db-r\"}"), metrics);
        assertFalse(metrics.contains(TestTokens.REPLICATION));

        GatewayFixture.Response promoted = replica.send("POST", "/v1/replicas/db-r/promote", A, null);
        assertEquals(200, promoted.status(), () -> new String(promoted.body(), StandardCharsets.UTF_8));
        assertEquals("promoted", promoted.json().getString("state"));
        assertEquals(digest(primary, "db"), digest(replica, "db-r"));
        byte[] mine = new byte[BS];
        ThreadLocalRandom.current().nextBytes(mine);
        assertEquals(
                204, replica.send("PUT", "/v1/volumes/db-r/blocks/7", D, mine).status());
        assertArrayEquals(mine, replica.get("/v1/volumes/db-r/blocks/7", D).body());
        assertFalse(Files.exists(state.resolve("db-r.token")));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> primary.get("/v1/volumes/db/snapshots", A)
                        .json()
                        .getJsonArray("snapshots")
                        .isEmpty());

        await().atMost(Duration.ofSeconds(30))
                .until(() ->
                        activity("db-r").containsAll(List.of("replicaCreated", "replicaCaughtUp", "replicaPromoted")));
        assertFalse(new String(replica.get("/v1/activity?volume=db-r", A).body(), StandardCharsets.UTF_8)
                .contains(TestTokens.REPLICATION));

        assertEquals(204, replica.send("DELETE", "/v1/replicas/db-r", A, null).status());
        assertCode(replica.get("/v1/replicas/db-r", A), 404, "ReplicaNotFound");
        assertCode(replica.get("/v1/volumes/db-r", A), 404, "VolumeNotFound");
    }

    @Test
    void badInputGetsClearErrorsAndLeavesNothingBehind() throws Exception {
        GatewayFixture.Response unknownVolume =
                replica.json("POST", "/v1/replicas", A, replicaSpec("x", "no-such-volume"));
        assertCode(unknownVolume, 502, "PrimaryRefused");
        assertTrue(
                unknownVolume.json().getJsonObject("error").getString("message").contains("VolumeNotFound"));

        GatewayFixture.Response wrongToken = replica.json(
                "POST", "/v1/replicas", A, replicaSpec("x", "other").put("token", "not-a-token-of-the-primary"));
        assertCode(wrongToken, 502, "PrimaryRefused");
        assertTrue(wrongToken.json().getJsonObject("error").getString("message").contains("401"));

        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        assertCode(
                replica.json(
                        "POST",
                        "/v1/replicas",
                        A,
                        replicaSpec("x", "other").put("primaryUrl", "http://127.0.0.1:" + closedPort)),
                502,
                "PrimaryUnreachable");
        assertCode(
                replica.json(
                        "POST", "/v1/replicas", A, replicaSpec("x", "other").put("token", "two words")),
                400,
                "InvalidArgument");
        JsonObject noToken = replicaSpec("x", "other");
        noToken.remove("token");
        assertCode(replica.json("POST", "/v1/replicas", A, noToken), 400, "InvalidArgument");
        assertCode(replica.json("POST", "/v1/replicas", A, replicaSpec("X Y", "other")), 400, "InvalidArgument");
        assertCode(
                replica.json(
                        "POST", "/v1/replicas", A, replicaSpec("x", "other").put("tokenFile", "/etc/hostname")),
                400,
                "InvalidArgument");
        assertCode(replica.json("POST", "/v1/replicas", D, replicaSpec("x", "other")), 403, "Forbidden");
        // The data token may not pull replication cycles from the primary either.
        assertCode(
                primary.json(
                        "POST",
                        "/v1/volumes/other/replication/0b7e5e8e-1d1a-4c55-9a43-0d4e2f7f8a11/cycles",
                        D,
                        new JsonObject()),
                403,
                "Forbidden");

        JsonObject all = replica.get("/v1/replicas", A).json();
        assertTrue(all.getJsonArray("replicas").stream()
                .noneMatch(r -> ((JsonObject) r).getString("name").equals("x")));
        assertCode(replica.get("/v1/volumes/x", A), 404, "VolumeNotFound");
        assertTrue(primary.get("/v1/volumes/other/snapshots", A)
                .json()
                .getJsonArray("snapshots")
                .isEmpty());
        try (Stream<Path> files = Files.list(replica.dataDir.resolve("replicas"))) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("x.")));
        }
    }

    private static void assertCode(GatewayFixture.Response r, int status, String code) {
        assertEquals(status, r.status(), () -> new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(code, r.errorCode());
    }
}
