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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real gateway ({@code io.strongroom.server.Main}) as a child process, drives concurrent HTTP writes of
 * verifiable blocks, kills it with SIGKILL at random moments (20 times), restarts it and checks the rule of
 * "Atomic block writes": every block reads back as its last acknowledged content or as the content of a write
 * that was in flight at the kill — never a mix, never a BlockIntegrityError.
 *
 * <p>Every block carries its block number and a generation in its first 16 bytes, the rest derived from both, so
 * any mix of two writes, or of a write and old data, fails the comparison. Each writer thread owns a range of
 * blocks and writes runs of 1–3 of them, one request at a time, so a block has at most one write in flight.
 */
class GatewayCrashTest {
    static final int BS = 4096;
    static final int BLOCKS = 64;
    static final int WRITERS = 4;
    static final int KILLS = 20;
    static final long NONE = -1;
    /** Bounds a request on a loaded machine (a hang, not a slow answer, fails the test). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(REQUEST_TIMEOUT)
            .build();
    final long[] acked = new long[BLOCKS]; // generation last acknowledged (0 = never written)
    final long[] nextGen = new long[BLOCKS]; // generation of the next write of the block
    final AtomicReferenceArray<Long> inFlight = new AtomicReferenceArray<>(BLOCKS);
    final AtomicLong acknowledgedWrites = new AtomicLong();
    int killsDuringWrites;
    int inFlightBlocksLanded;
    int inFlightBlocksLost;
    GatewayProcess gateway;

    @AfterEach
    void killGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void everyBlockIsItsLastAcknowledgedOrAnInFlightWriteAfterSigkill() throws Exception {
        Path dataDir = tmp.resolve("data");
        Arrays.fill(nextGen, 1);
        for (int n = 0; n < BLOCKS; n++) {
            inFlight.set(n, NONE);
        }
        Random random = new Random();
        gateway = GatewayProcess.start(dataDir, tmp, "gateway-0");
        String token = adminToken(dataDir);
        HttpResponse<String> created = http.send(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/volumes"))
                        .header("Authorization", "Bearer " + token)
                        .timeout(REQUEST_TIMEOUT)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
                                .put("name", "crash")
                                .put("sizeBytes", (long) BS * BLOCKS)
                                .put("blockSize", BS)
                                .encode()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());

        for (int kill = 1; kill <= KILLS; kill++) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<String> unexpected = new AtomicReference<>();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int first = w * (BLOCKS / WRITERS);
                String base = gateway.baseUrl();
                Thread t = new Thread(
                        () -> writeUntilFailure(base, token, first, BLOCKS / WRITERS, stop, unexpected),
                        "crash-writer-" + w);
                t.start();
                writers.add(t);
            }
            long ackedBefore = acknowledgedWrites.get();
            await("writes flowing before kill " + kill)
                    .atMost(ChildJvm.PATIENCE)
                    .until(() -> acknowledgedWrites.get() > ackedBefore || unexpected.get() != null);
            // The thing under test: a SIGKILL at a random moment of the write stream, not a synchronisation.
            Thread.sleep(random.nextInt(300));
            gateway.kill();
            stop.set(true);
            for (Thread t : writers) {
                t.join(ChildJvm.PATIENCE.toMillis());
                assertFalse(t.isAlive(), t.getName() + " still running after the kill");
            }
            assertNull(unexpected.get(), "a write was refused before the kill");
            for (int n = 0; n < BLOCKS; n++) {
                if (inFlight.get(n) != NONE) {
                    killsDuringWrites++;
                    break;
                }
            }
            gateway = GatewayProcess.start(dataDir, tmp, "gateway-" + kill);
            try {
                verifyAll(gateway.baseUrl(), token);
            } catch (AssertionError e) {
                throw new AssertionError(
                        e.getMessage() + "\n--- gateway log after kill " + kill + " ---\n" + gateway.log(), e);
            }
        }
        gateway.stop();
        System.out.printf(
                "GatewayCrashTest: %d SIGKILLs, %d acknowledged writes, %d kills with writes in flight; "
                        + "in-flight blocks found written %d, found old %d%n",
                KILLS, acknowledgedWrites.get(), killsDuringWrites, inFlightBlocksLanded, inFlightBlocksLost);
        assertTrue(acknowledgedWrites.get() > KILLS, "writes happened: " + acknowledgedWrites.get());
        assertTrue(killsDuringWrites >= KILLS / 2, "kills hit writes in flight: " + killsDuringWrites);
    }

    private void writeUntilFailure(
            String base, String token, int first, int owned, AtomicBoolean stop, AtomicReference<String> unexpected) {
        SplittableRandom r = new SplittableRandom();
        while (!stop.get()) {
            int start = first + r.nextInt(owned);
            int count = Math.min(1 + r.nextInt(3), first + owned - start);
            ByteBuffer body = ByteBuffer.allocate(count * BS);
            long[] gens = new long[count];
            for (int i = 0; i < count; i++) {
                int n = start + i;
                gens[i] = nextGen[n]++;
                body.put(block(n, gens[i]));
                inFlight.set(n, gens[i]);
            }
            HttpResponse<Void> response;
            try {
                response = http.send(
                        HttpRequest.newBuilder(
                                        URI.create(base + "/v1/volumes/crash/blocks/" + start + "?count=" + count))
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/octet-stream")
                                .timeout(REQUEST_TIMEOUT)
                                .PUT(HttpRequest.BodyPublishers.ofByteArray(body.array()))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                return; // the kill: the writes of this request stay in flight (they may or may not have landed)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (response.statusCode() / 100 != 2) {
                if (!stop.get()) {
                    unexpected.compareAndSet(null, "PUT " + start + " answered " + response.statusCode());
                }
                return;
            }
            for (int i = 0; i < count; i++) {
                acked[start + i] = gens[i];
                inFlight.set(start + i, NONE);
            }
            acknowledgedWrites.incrementAndGet();
        }
    }

    private void verifyAll(String base, String token) throws Exception {
        int perRequest = 16;
        for (int first = 0; first < BLOCKS; first += perRequest) {
            HttpResponse<byte[]> r = http.send(
                    HttpRequest.newBuilder(
                                    URI.create(base + "/v1/volumes/crash/blocks/" + first + "?count=" + perRequest))
                            .header("Authorization", "Bearer " + token)
                            .timeout(REQUEST_TIMEOUT)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode(), () -> "read after restart: " + new String(r.body()));
            assertEquals(perRequest * BS, r.body().length);
            for (int i = 0; i < perRequest; i++) {
                int n = first + i;
                byte[] content = Arrays.copyOfRange(r.body(), i * BS, (i + 1) * BS);
                long gen = generationOf(n, content);
                long flying = inFlight.get(n);
                if (gen != acked[n] && gen != flying) {
                    fail("block " + n + " holds generation " + gen + "; acknowledged " + acked[n] + ", in flight "
                            + flying);
                }
                if (flying != NONE) {
                    if (gen == flying) {
                        inFlightBlocksLanded++;
                    } else {
                        inFlightBlocksLost++;
                    }
                }
                acked[n] = gen;
                inFlight.set(n, NONE);
            }
        }
    }

    /** The generation a block holds (0 for zeros); fails unless the content is exactly one write of block n. */
    private static long generationOf(int n, byte[] content) {
        if (Arrays.equals(content, new byte[BS])) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.wrap(content);
        long blockNumber = b.getLong(0);
        long gen = b.getLong(8);
        assertEquals(n, blockNumber, "block " + n + " holds data of block " + blockNumber);
        assertTrue(gen > 0 && Arrays.equals(block(n, gen), content), "block " + n + " is a mix of writes");
        return gen;
    }

    static byte[] block(long n, long gen) {
        byte[] b = new byte[BS];
        ByteBuffer.wrap(b).putLong(n).putLong(gen);
        SplittableRandom r = new SplittableRandom(n * 1_000_003L + gen);
        for (int i = 16; i < BS; i += 8) {
            ByteBuffer.wrap(b, i, 8).putLong(r.nextLong());
        }
        return b;
    }

    private static String adminToken(Path dataDir) throws IOException {
        return new JsonObject(Files.readString(dataDir.resolve("credentials.json")))
                .getJsonObject("admin")
                .getString("token");
    }
}
