package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.keys.SoftHsm;
import io.strongroom.core.testkit.Await;
import io.strongroom.server.config.GatewayConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live volume's KEK switched from the embedded vault's service key to a key in a real SoftHSM2 token and back
 * through {@code PUT /v1/volumes/{name}/kek}, while writers and readers run: no request fails, every block reads
 * back as last written, the metadata on disk names the new KEK for the volume and every wrapped DEK, and a
 * restart after each switch reads everything under the new KEK.
 */
class HsmKekRotationTest {
    private static final int BLOCK = 8192;
    private static final int WRITERS = 2;
    private static final int BLOCKS_PER_WRITER = 8;
    private static final int READERS = 2;
    private static final int REQUESTS_PER_PHASE = 30;

    @TempDir
    Path dir;

    @Test
    void vaultKeyToTokenKeyAndBackUnderLoad() throws Exception {
        SoftHsm hsm = SoftHsm.shared();
        hsm.generateKey("rotation-kek");
        GatewayConfig config = HsmEndToEndTest.config(dir, hsm);
        int blocks = WRITERS * BLOCKS_PER_WRITER;
        long[] lastSeq = new long[blocks];
        String admin;
        String serviceKek;
        try (GatewayFixture gw = GatewayFixture.start(config, null, c -> {})) {
            admin = gw.gateway.adminToken();
            GatewayFixture.Response created = gw.json(
                    "POST",
                    "/v1/volumes",
                    admin,
                    new JsonObject().put("name", "live").put("sizeBytes", (long) blocks * BLOCK));
            assertEquals(201, created.status(), () -> new String(created.body()));
            serviceKek = created.json().getString("kek");
            assertTrue(serviceKek.startsWith("https://"), serviceKek);
            for (int b = 0; b < blocks; b++) {
                assertEquals(
                        204,
                        gw.send("PUT", "/v1/volumes/live/blocks/" + b, admin, content(b, 0))
                                .status());
            }
        }

        String tokenKek = hsm.keyId("rotation-kek");
        for (String[] change : new String[][] {{tokenKek, tokenKek}, {"service", serviceKek}}) {
            try (GatewayFixture gw = GatewayFixture.start(config, null, c -> {})) {
                assertAllBlocks(gw, admin, lastSeq);
                switchUnderLoad(gw, admin, change[0], change[1], lastSeq);
                assertAllBlocks(gw, admin, lastSeq);
            }
            assertMetadataNames(config.getDataDir(), change[1]);
            try (GatewayFixture gw = GatewayFixture.start(config, null, c -> {})) {
                assertAllBlocks(gw, admin, lastSeq);
                JsonObject info = gw.get("/v1/volumes/live", admin).json();
                assertEquals(change[1], info.getString("kek"));
                assertEquals("AVAILABLE", info.getString("keyState"));
            }
        }
    }

    /**
     * Writers (each owning its blocks) and readers run until each has done {@link #REQUESTS_PER_PHASE} requests
     * before the KEK change and as many after it; {@code lastSeq} ends as the sequence last written per block.
     */
    private static void switchUnderLoad(GatewayFixture gw, String admin, String kek, String expected, long[] lastSeq)
            throws Exception {
        int workers = WRITERS + READERS;
        AtomicLongArray done = new AtomicLongArray(workers);
        AtomicBoolean stop = new AtomicBoolean();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch finished = new CountDownLatch(workers);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int worker = w;
            Thread thread = new Thread(() -> {
                try {
                    Random random = new Random(worker);
                    while (!stop.get()) {
                        if (worker < WRITERS) {
                            int b = worker * BLOCKS_PER_WRITER + random.nextInt(BLOCKS_PER_WRITER);
                            long seq = lastSeq[b] + 1;
                            GatewayFixture.Response r =
                                    gw.send("PUT", "/v1/volumes/live/blocks/" + b, admin, content(b, seq));
                            if (r.status() != 204) {
                                failures.add("write " + b + ": " + r.status() + " " + new String(r.body()));
                            }
                            lastSeq[b] = seq;
                        } else {
                            int b = random.nextInt(WRITERS * BLOCKS_PER_WRITER);
                            GatewayFixture.Response r = gw.get("/v1/volumes/live/blocks/" + b, admin);
                            if (r.status() != 200) {
                                failures.add("read " + b + ": " + r.status() + " " + new String(r.body()));
                            } else if (!wellFormed(b, r.body())) {
                                failures.add("read " + b + ": not a block this test wrote");
                            }
                        }
                        done.incrementAndGet(worker);
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                } finally {
                    finished.countDown();
                }
            });
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
        try {
            awaitEach(done, new long[workers], failures);
            long[] before = snapshot(done);
            GatewayFixture.Response changed =
                    gw.json("PUT", "/v1/volumes/live/kek", admin, new JsonObject().put("kek", kek));
            assertEquals(200, changed.status(), () -> new String(changed.body()));
            assertEquals(expected, changed.json().getString("kek"));
            awaitEach(done, before, failures);
        } finally {
            stop.set(true);
            assertTrue(finished.await(Await.DEFAULT_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            for (Thread t : threads) {
                t.join();
            }
        }
        assertEquals(List.of(), List.copyOf(failures));
    }

    private static void awaitEach(AtomicLongArray done, long[] from, Queue<String> failures) {
        await("every worker doing " + REQUESTS_PER_PHASE + " requests")
                .atMost(Await.DEFAULT_TIMEOUT)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> {
                    if (!failures.isEmpty()) {
                        return true;
                    }
                    for (int i = 0; i < from.length; i++) {
                        if (done.get(i) - from[i] < REQUESTS_PER_PHASE) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    private static long[] snapshot(AtomicLongArray done) {
        long[] copy = new long[done.length()];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = done.get(i);
        }
        return copy;
    }

    private static void assertAllBlocks(GatewayFixture gw, String admin, long[] lastSeq) throws Exception {
        for (int b = 0; b < lastSeq.length; b++) {
            GatewayFixture.Response r = gw.get("/v1/volumes/live/blocks/" + b, admin);
            assertEquals(200, r.status(), "block " + b);
            assertArrayEquals(content(b, lastSeq[b]), r.body(), "block " + b);
        }
    }

    /** The volume's document names {@code kek} as its KEK and as the KEK of every wrapped DEK. */
    private static void assertMetadataNames(Path dataDir, String kek) throws Exception {
        List<Path> documents;
        try (Stream<Path> walk = Files.walk(dataDir)) {
            documents = walk.filter(p -> p.getFileName().toString().equals("metadata.json"))
                    .toList();
        }
        assertEquals(1, documents.size(), documents.toString());
        JsonObject metadata = new JsonObject(Files.readString(documents.get(0)));
        assertEquals(kek, metadata.getString("kek"));
        JsonArray deks = metadata.getJsonArray("deks");
        assertTrue(deks.size() > 0);
        for (int i = 0; i < deks.size(); i++) {
            assertEquals(kek, deks.getJsonObject(i).getJsonObject("wrapped").getString("kek"));
        }
    }

    /** Block {@code b}'s content at sequence {@code seq}: both numbers, then bytes derived from them. */
    private static byte[] content(int b, long seq) {
        byte[] bytes = new byte[BLOCK];
        new Random(b * 1_000_003L + seq).nextBytes(bytes);
        ByteBuffer.wrap(bytes).putLong(b).putLong(seq);
        return bytes;
    }

    private static boolean wellFormed(int b, byte[] body) {
        if (body.length != BLOCK) {
            return false;
        }
        ByteBuffer header = ByteBuffer.wrap(body);
        return header.getLong() == b && Arrays.equals(body, content(b, header.getLong()));
    }
}
