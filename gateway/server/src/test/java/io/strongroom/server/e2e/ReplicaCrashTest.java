package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.server.GatewayProcess;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas across SIGKILL (docs/REPLICAS.md), both gateways real processes ({@link GatewayProcess}): a replica
 * killed again and again while cycles run back to back under write load restarts from its last cycle applied whole
 * and converges (every block equal by hash once the writes stop); a primary killed under write load leaves the
 * replica serving, and the promoted replica holds, for every block, the last write the primary acknowledged before
 * the snapshot of the last cycle applied, or a later one (checked against the writer's log).
 */
class ReplicaCrashTest {
    private static final int BS = 8192;
    private static final int BLOCKS = 2048;
    private static final String A = TestTokens.ADMIN;
    private static final String D = TestTokens.DATA_ALL;

    @TempDir
    Path dir;

    private final List<GatewayProcess> processes = new ArrayList<>();

    @AfterEach
    void closeAll() {
        processes.forEach(GatewayProcess::close);
    }

    private GatewayProcess start(String name) throws Exception {
        Path data = dir.resolve(name);
        if (!Files.exists(data)) {
            TestTokens.write(data);
        }
        GatewayProcess p = GatewayProcess.start(data, dir, name + "-" + processes.size());
        processes.add(p);
        return p;
    }

    private JsonObject json(HttpResponse<byte[]> r, int status) {
        String text = new String(r.body(), StandardCharsets.UTF_8);
        assertEquals(status, r.statusCode(), text);
        return new JsonObject(text);
    }

    private JsonObject replicaInfo(GatewayProcess replica) throws Exception {
        return json(replica.send("GET", "/v1/replicas/db-r", A, null), 200);
    }

    private void createVolume(GatewayProcess primary) throws Exception {
        json(
                primary.send(
                        "POST",
                        "/v1/volumes",
                        A,
                        new JsonObject()
                                .put("name", "db")
                                .put("sizeBytes", (long) BLOCKS * BS)
                                .toBuffer()
                                .getBytes()),
                201);
    }

    private void createReplica(GatewayProcess primary, GatewayProcess replica) throws Exception {
        json(
                replica.send(
                        "POST",
                        "/v1/replicas",
                        A,
                        new JsonObject()
                                .put("name", "db-r")
                                .put("primaryUrl", primary.baseUrl())
                                .put("primaryVolume", "db")
                                .put("token", TestTokens.REPLICATION)
                                .put("intervalMillis", 20)
                                .toBuffer()
                                .getBytes()),
                201);
    }

    private byte[] block(GatewayProcess gw, String volume, int n) throws Exception {
        HttpResponse<byte[]> r = gw.send("GET", "/v1/volumes/" + volume + "/blocks/" + n, D, null);
        assertEquals(200, r.statusCode());
        return r.body();
    }

    private String digest(GatewayProcess gw, String volume) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (int first = 0; first < BLOCKS; first += 64) {
            HttpResponse<byte[]> r =
                    gw.send("GET", "/v1/volumes/" + volume + "/blocks/" + first + "?count=64", D, null);
            assertEquals(200, r.statusCode());
            digest.update(r.body());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** One acknowledged write of the writer's log: block, content hash, when it was sent and when its 204 came. */
    private record Write(int block, String hash, Instant sent, Instant acked) {}

    /** Writes random single blocks one at a time until stopped, logging each acknowledged one. */
    private Thread writer(
            GatewayProcess primary, AtomicBoolean run, List<Write> log, AtomicReference<Exception> failed) {
        Thread t = new Thread(() -> {
            Random random = new Random(42);
            try {
                while (run.get()) {
                    int n = random.nextInt(BLOCKS);
                    byte[] data = new byte[BS];
                    random.nextBytes(data);
                    Instant sent = Instant.now();
                    HttpResponse<byte[]> r = primary.send("PUT", "/v1/volumes/db/blocks/" + n, D, data);
                    if (r.statusCode() != 204) {
                        throw new IllegalStateException("write answered " + r.statusCode());
                    }
                    synchronized (log) {
                        log.add(new Write(n, sha(data), sent, Instant.now()));
                    }
                }
            } catch (Exception e) {
                if (run.get()) {
                    failed.set(e);
                }
            }
        });
        t.start();
        return t;
    }

    private static String sha(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** Both gateways, the writer at work on the primary's volume and the replica created. */
    private record Following(
            GatewayProcess primary,
            GatewayProcess replica,
            AtomicBoolean writing,
            List<Write> log,
            AtomicReference<Exception> failed,
            Thread writer) {
        /** Waits for the writer, stopped before, and checks that every write it made was acknowledged. */
        void joinWriter() throws InterruptedException {
            writer.join();
            assertNull(failed.get());
        }
    }

    private Following following() throws Exception {
        GatewayProcess primary = start("primary");
        GatewayProcess replica = start("replica");
        createVolume(primary);
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Write> log = new ArrayList<>();
        AtomicReference<Exception> failed = new AtomicReference<>();
        Thread writer = writer(primary, writing, log, failed);
        createReplica(primary, replica);
        return new Following(primary, replica, writing, log, failed, writer);
    }

    @Test
    void aReplicaKilledMidCycleRestartsFromItsLastCycleAndConverges() throws Exception {
        Following f = following();
        GatewayProcess primary = f.primary();
        GatewayProcess replica = f.replica();
        Random random = new Random(7);
        for (int kill = 0; kill < 3; kill++) {
            GatewayProcess current = replica;
            await().atMost(Duration.ofSeconds(180))
                    .until(() -> replicaInfo(current).getLong("cycles") >= 1);
            Thread.sleep(random.nextInt(200)); // a random point of the back-to-back cycles, not a wait for a condition
            replica.kill();
            replica = start("replica");
        }
        f.writing().set(false);
        f.joinWriter();
        GatewayProcess last = replica;
        await().atMost(Duration.ofSeconds(180)).until(() -> replicaInfo(last).getLong("cycles") >= 2);
        assertEquals("following", replicaInfo(last).getString("state"));
        assertEquals(digest(primary, "db"), digest(last, "db-r"));
        assertTrue(f.log().size() > 50, "the writer wrote " + f.log().size() + " blocks");
    }

    @Test
    void aPrimaryKilledUnderWriteLoadLeavesTheReplicaServingAndThePromotionLosesNoAppliedWrite() throws Exception {
        Following f = following();
        GatewayProcess replica = f.replica();
        List<Write> log = f.log();
        await().atMost(Duration.ofSeconds(180)).until(() -> replicaInfo(replica).getLong("cycles") >= 3);
        f.writing().set(false);
        f.primary().kill();
        f.joinWriter();

        await().atMost(Duration.ofSeconds(60))
                .until(() -> replicaInfo(replica).getString("state").equals("primary-unreachable"));
        JsonObject info = replicaInfo(replica);
        Instant applied = Instant.parse(info.getString("appliedAt"));
        assertEquals(
                200,
                replica.send("GET", "/v1/volumes/db-r/blocks/0?count=8", D, null)
                        .statusCode());

        JsonObject promoted = json(replica.send("POST", "/v1/replicas/db-r/promote", A, null), 200);
        assertEquals("promoted", promoted.getString("state"));
        int checked = 0;
        String zero = sha(new byte[BS]);
        for (int n = 0; n < BLOCKS; n++) {
            List<Write> writes = new ArrayList<>();
            for (Write w : log) {
                if (w.block() == n) {
                    writes.add(w);
                }
            }
            int lastBefore = -1;
            for (int i = 0; i < writes.size(); i++) {
                if (writes.get(i).acked().isBefore(applied)) {
                    lastBefore = i;
                }
            }
            String held = sha(block(replica, "db-r", n));
            List<String> allowed = new ArrayList<>(writes.subList(Math.max(lastBefore, 0), writes.size()).stream()
                    .map(Write::hash)
                    .toList());
            if (lastBefore < 0) {
                allowed.add(zero);
            } else {
                checked++;
            }
            assertTrue(
                    allowed.contains(held),
                    "block " + n + " holds none of the writes from the last one acknowledged before " + applied
                            + " on: " + Arrays.toString(writes.toArray()));
        }
        assertTrue(checked > 20, "only " + checked + " blocks had a write acknowledged before the last cycle");
        byte[] mine = new byte[BS];
        new Random(3).nextBytes(mine);
        assertEquals(
                204, replica.send("PUT", "/v1/volumes/db-r/blocks/1", D, mine).statusCode());
    }
}
