package io.strongroom.core.volume;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.strongroom.core.testkit.ChildJvm;
import io.strongroom.server.GatewayProcess;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs the real gateway (a child process, {@link GatewayProcess}) while it changes a volume's KEK and rolls its
 * DEK over again and again, with client writes going on. After each restart the volume opens, every block reads
 * back as its last acknowledged write or the write in flight at the kill, and an interrupted re-seal finishes (one
 * DEK left). The re-seal scans at the default pace (4096 blocks/s, so at least a second for this volume): odd
 * rounds kill within 0.5 s of an acknowledged rollover, inside its re-seal; even rounds after a KEK change.
 */
class KeyChangeCrashTest {
    static final int BS = GatewayCrashTest.BS;
    static final int BLOCKS = 512;
    /** Blocks of the volume: the ones past {@link #BLOCKS} stay unwritten but are scanned, so a re-seal takes ~1 s. */
    static final int VOLUME_BLOCKS = 4096;

    static final int WRITERS = 2;
    static final int KILLS = 6;
    static final long NONE = -1;

    @TempDir
    Path tmp;

    final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(GatewayCrashTest.REQUEST_TIMEOUT)
            .build();
    final long[] acked = new long[BLOCKS];
    final AtomicLongArray inFlight = new AtomicLongArray(BLOCKS);
    final AtomicInteger keyChanges = new AtomicInteger();
    final AtomicInteger rollovers = new AtomicInteger();
    int resealsResumed;
    GatewayProcess gateway;

    @AfterEach
    void killGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void everyVolumeOpensAndEveryBlockReadsBackAfterAKillDuringRotationOrRollover() throws Exception {
        Path dataDir = tmp.resolve("data");
        Arrays.fill(acked, 1);
        for (int n = 0; n < BLOCKS; n++) {
            inFlight.set(n, NONE);
        }
        gateway = GatewayProcess.start(dataDir, tmp, "gateway-0");
        String token = new JsonObject(Files.readString(dataDir.resolve("credentials.json")))
                .getJsonObject("admin")
                .getString("token");
        HttpResponse<String> created = send(
                gateway.baseUrl(),
                token,
                "POST",
                "/v1/volumes",
                new JsonObject()
                        .put("name", "kc")
                        .put("sizeBytes", (long) BS * VOLUME_BLOCKS)
                        .put("blockSize", BS)
                        .encode());
        assertEquals(201, created.statusCode(), created.body());
        for (int n = 0; n < BLOCKS; n += 16) {
            ByteBuffer run = ByteBuffer.allocate(16 * BS);
            for (int i = 0; i < 16; i++) {
                run.put(GatewayCrashTest.block(n + i, 1));
            }
            assertEquals(204, put(gateway.baseUrl(), token, n, 16, run.array()).statusCode());
        }

        Random random = new Random();
        long[] nextGen = new long[BLOCKS];
        Arrays.fill(nextGen, 2);
        for (int kill = 1; kill <= KILLS; kill++) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<String> unexpected = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            String base = gateway.baseUrl();
            AtomicInteger changes = kill % 2 == 1 ? rollovers : keyChanges;
            int changesBefore = changes.get();
            for (int w = 0; w < WRITERS; w++) {
                int first = w * (BLOCKS / WRITERS);
                threads.add(new Thread(
                        () -> write(base, token, first, BLOCKS / WRITERS, nextGen, stop, unexpected), "writer-" + w));
            }
            threads.add(new Thread(() -> changeKeys(base, token, stop, unexpected), "key-changer"));
            threads.forEach(Thread::start);
            await("a " + (changes == rollovers ? "rollover" : "KEK change") + " before kill " + kill)
                    .atMost(ChildJvm.PATIENCE)
                    .until(() -> changes.get() > changesBefore || unexpected.get() != null);
            // The thing under test: a SIGKILL at a random moment after the change, not a synchronisation.
            Thread.sleep(random.nextInt(500));
            gateway.kill();
            stop.set(true);
            for (Thread t : threads) {
                t.join(ChildJvm.PATIENCE.toMillis());
                assertFalse(t.isAlive(), t.getName() + " still running after the kill");
            }
            assertNull(unexpected.get(), "a request was refused before the kill");
            gateway = GatewayProcess.start(dataDir, tmp, "gateway-" + kill);
            try {
                if (volume(gateway.baseUrl(), token).getValue("rollover") != null) {
                    resealsResumed++;
                }
                verify(gateway.baseUrl(), token);
                JsonObject volume = waitUntilResealed(gateway.baseUrl(), token);
                assertEquals(1, volume.getJsonArray("dekIds").size(), volume.encode());
                verify(gateway.baseUrl(), token);
            } catch (AssertionError e) {
                throw new AssertionError(
                        e.getMessage() + "\n--- gateway log after kill " + kill + " ---\n" + gateway.log(), e);
            }
        }
        gateway.stop();
        System.out.printf(
                "KeyChangeCrashTest: %d SIGKILLs, %d KEK changes and %d rollovers acknowledged, "
                        + "%d restarts resumed an interrupted re-seal%n",
                KILLS, keyChanges.get(), rollovers.get(), resealsResumed);
        assertTrue(
                keyChanges.get() >= KILLS && rollovers.get() >= KILLS / 2,
                "key changes happened: " + keyChanges + " KEK changes, " + rollovers + " rollovers");
        assertTrue(resealsResumed > 0, "some kills landed inside a re-seal");
    }

    /** Alternates a KEK change (re-wrap under the service key's current version) and a rollover until the kill. */
    private void changeKeys(String base, String token, AtomicBoolean stop, AtomicReference<String> unexpected) {
        boolean rollover = false;
        while (!stop.get()) {
            try {
                HttpResponse<String> r = rollover
                        ? send(base, token, "POST", "/v1/volumes/kc/rollover", "")
                        : send(
                                base,
                                token,
                                "PUT",
                                "/v1/volumes/kc/kek",
                                new JsonObject().put("kek", "service").encode());
                if (r.statusCode() == 202) {
                    rollovers.incrementAndGet();
                } else if (r.statusCode() == 200) {
                    keyChanges.incrementAndGet();
                } else if (r.statusCode() != 409 && !stop.get()) {
                    unexpected.compareAndSet(null, "key change answered " + r.statusCode() + ": " + r.body());
                }
            } catch (IOException e) {
                return; // the kill
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            rollover = !rollover;
        }
    }

    private void write(
            String base,
            String token,
            int first,
            int owned,
            long[] nextGen,
            AtomicBoolean stop,
            AtomicReference<String> unexpected) {
        SplittableRandom r = new SplittableRandom();
        while (!stop.get()) {
            int n = first + r.nextInt(owned);
            long gen = nextGen[n]++;
            inFlight.set(n, gen);
            HttpResponse<String> response;
            try {
                response = put(base, token, n, 1, GatewayCrashTest.block(n, gen));
            } catch (IOException e) {
                return; // the kill: this write stays in flight
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (response.statusCode() != 204) {
                if (!stop.get()) {
                    unexpected.compareAndSet(
                            null, "PUT " + n + " answered " + response.statusCode() + ": " + response.body());
                }
                return;
            }
            acked[n] = gen;
            inFlight.set(n, NONE);
        }
    }

    private void verify(String base, String token) throws Exception {
        for (int first = 0; first < BLOCKS; first += 32) {
            HttpResponse<byte[]> r = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/volumes/kc/blocks/" + first + "?count=32"))
                            .header("Authorization", "Bearer " + token)
                            .timeout(GatewayCrashTest.REQUEST_TIMEOUT)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode(), () -> "read after restart: " + new String(r.body()));
            for (int i = 0; i < 32; i++) {
                int n = first + i;
                byte[] content = Arrays.copyOfRange(r.body(), i * BS, (i + 1) * BS);
                long gen = ByteBuffer.wrap(content).getLong(8);
                long flying = inFlight.get(n);
                if (!Arrays.equals(GatewayCrashTest.block(n, gen), content) || (gen != acked[n] && gen != flying)) {
                    fail("block " + n + " holds generation " + gen + "; acknowledged " + acked[n] + ", in flight "
                            + flying);
                }
                acked[n] = gen;
                inFlight.set(n, NONE);
            }
        }
    }

    private JsonObject volume(String base, String token) throws Exception {
        HttpResponse<String> r = send(base, token, "GET", "/v1/volumes/kc", null);
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    /** The volume once no re-seal is running (it resumes on its own after a restart). */
    private JsonObject waitUntilResealed(String base, String token) {
        JsonObject[] last = new JsonObject[1];
        await("the re-seal finishing after the restart")
                .atMost(ChildJvm.PATIENCE)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    last[0] = volume(base, token);
                    return last[0].getValue("rollover") == null;
                });
        return last[0];
    }

    private HttpResponse<String> put(String base, String token, int first, int count, byte[] body)
            throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/volumes/kc/blocks/" + first + "?count=" + count))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "application/octet-stream")
                        .timeout(GatewayCrashTest.REQUEST_TIMEOUT)
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String base, String token, String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token)
                .timeout(GatewayCrashTest.REQUEST_TIMEOUT);
        if (json == null) {
            b.GET();
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
