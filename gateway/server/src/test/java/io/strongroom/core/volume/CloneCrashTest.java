package io.strongroom.core.volume;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.ChildJvm;
import io.strongroom.server.GatewayProcess;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs the real gateway (a child process) while it copies a clone from a snapshot: the first round as soon as
 * the clone exists (202), the second once blocks are seen copied, the others at a random moment up to 1 s after the
 * clone was asked for. After each
 * restart the clone is either whole (state DONE, every block equal to the snapshot's by hash) or gone (404, its
 * store directory deleted), never a CLONING or half-copied volume; the parent and its snapshot are unchanged.
 */
class CloneCrashTest {
    static final int BS = 8192;
    /** 64 MiB of non-zero blocks: a copy that takes long enough to be cut. */
    static final int BLOCKS = 8192;

    static final int RUN = 64;
    static final int ROUNDS = 4;

    @TempDir
    Path tmp;

    final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    GatewayProcess gateway;
    String token;

    @AfterEach
    void killGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aKillDuringTheCopyLeavesAWholeCloneOrNone() throws Exception {
        Path dataDir = tmp.resolve("data");
        gateway = GatewayProcess.start(dataDir, tmp, "gateway-0");
        token = new JsonObject(Files.readString(dataDir.resolve("credentials.json")))
                .getJsonObject("admin")
                .getString("token");
        assertEquals(
                201,
                send("POST", "/v1/volumes", new JsonObject().put("name", "p").put("sizeBytes", (long) BS * BLOCKS))
                        .statusCode());
        Random random = new Random(5);
        for (int first = 0; first < BLOCKS; first += RUN) {
            byte[] run = new byte[RUN * BS];
            random.nextBytes(run);
            assertEquals(204, put(first, run).statusCode());
        }
        assertEquals(
                201,
                send("POST", "/v1/volumes/p/snapshots", new JsonObject().put("name", "s"))
                        .statusCode());
        String snapshotHash = hash("/v1/volumes/p/snapshots/s");
        String parentHash = hash("/v1/volumes/p");

        int cut = 0;
        int whole = 0;
        Random timing = new Random();
        for (int round = 1; round <= ROUNDS; round++) {
            HttpResponse<String> made =
                    send("POST", "/v1/volumes/p/snapshots/s/clone", new JsonObject().put("name", "c"));
            assertEquals(202, made.statusCode(), made.body());
            String id = new JsonObject(made.body()).getString("id");
            if (round == 1) {
                // Killed as soon as the clone exists: its copy of 8192 blocks has just started.
                assertEquals(
                        "CLONING",
                        new JsonObject(made.body()).getJsonObject("clone").getString("state"));
            } else if (round == 2) {
                await().atMost(ChildJvm.PATIENCE)
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> {
                            JsonObject clone = new JsonObject(
                                            send("GET", "/v1/volumes/c", null).body())
                                    .getJsonObject("clone");
                            return clone.getLong("blocksCopied", 0L) > 0 || "DONE".equals(clone.getString("state"));
                        });
            } else {
                // The thing under test: a SIGKILL at a random moment of the copy, not a synchronisation.
                Thread.sleep(timing.nextInt(1000));
            }
            gateway.kill();
            gateway = GatewayProcess.start(dataDir, tmp, "gateway-" + round);
            HttpResponse<String> after = send("GET", "/v1/volumes/c", null);
            try {
                if (after.statusCode() == 404) {
                    cut++;
                    assertFalse(Files.exists(dataDir.resolve("volumes").resolve(id)), "its store volume is deleted");
                } else {
                    assertEquals(200, after.statusCode(), after.body());
                    assertEquals(
                            "DONE",
                            new JsonObject(after.body()).getJsonObject("clone").getString("state"),
                            "a clone that survived a restart is whole");
                    assertEquals(snapshotHash, hash("/v1/volumes/c"));
                    whole++;
                    assertEquals(204, send("DELETE", "/v1/volumes/c", null).statusCode());
                }
            } catch (AssertionError e) {
                throw new AssertionError(
                        e.getMessage() + "\n--- gateway log after kill " + round + " ---\n" + gateway.log(), e);
            }
        }
        // After all that, a clone made without a kill finishes.
        assertEquals(
                202,
                send("POST", "/v1/volumes/p/snapshots/s/clone", new JsonObject().put("name", "c"))
                        .statusCode());
        await().atMost(ChildJvm.PATIENCE)
                .until(() -> "DONE"
                        .equals(new JsonObject(
                                        send("GET", "/v1/volumes/c", null).body())
                                .getJsonObject("clone")
                                .getString("state")));
        assertEquals(snapshotHash, hash("/v1/volumes/c"));
        assertEquals(snapshotHash, hash("/v1/volumes/p/snapshots/s"), "the snapshot is unchanged");
        assertEquals(parentHash, hash("/v1/volumes/p"), "and the parent");
        gateway.stop();
        System.out.printf(
                "CloneCrashTest: %d kills, %d cut (clone deleted at start-up), %d after the copy%n",
                ROUNDS, cut, whole);
        assertTrue(cut > 0, "a kill landed inside a copy");
    }

    /** SHA-256 of every block of a volume or snapshot ({@code base} is its path), read in runs. */
    private String hash(String base) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int first = 0; first < BLOCKS; first += RUN) {
            HttpResponse<byte[]> r = http.send(
                    HttpRequest.newBuilder(URI.create(gateway.baseUrl() + base + "/blocks/" + first + "?count=" + RUN))
                            .header("Authorization", "Bearer " + token)
                            .timeout(Duration.ofSeconds(60))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode(), () -> base + " " + new String(r.body()));
            sha.update(r.body());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private HttpResponse<String> put(int first, byte[] body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(
                                URI.create(gateway.baseUrl() + "/v1/volumes/p/blocks/" + first + "?count=" + RUN))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/octet-stream")
                        .timeout(Duration.ofSeconds(60))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String path, JsonObject body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(60));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
