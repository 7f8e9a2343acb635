package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.strongroom.core.metrics.Metric;
import io.strongroom.core.metrics.MetricCatalog;
import io.strongroom.core.testkit.Await;
import io.strongroom.server.config.GatewayConfig;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrency limit (429), request timeout (503) and backpressure (a paused request waits for a storage slot). */
class LimitsTest {
    private static final int BS = 8192;
    /** Bounds a read that should be answered: only a hang fails, a slow answer on a loaded machine does not. */
    private static final int HANG_MILLIS = (int) Await.DEFAULT_TIMEOUT.toMillis();

    @TempDir
    Path dir;

    /** A raw HTTP/1.1 connection, to send a body in pieces. */
    static final class RawRequest implements AutoCloseable {
        final Socket socket;
        final OutputStream out;
        final InputStream in;

        RawRequest(GatewayFixture gw, String method, String path, String token, int contentLength) throws IOException {
            socket = new Socket("127.0.0.1", gw.gateway.httpPort());
            socket.setSoTimeout(HANG_MILLIS);
            out = socket.getOutputStream();
            in = socket.getInputStream();
            String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Length: " + contentLength + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Status line and body of the response (reads until the body's declared length). */
        String response() throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            int contentLength = -1;
            int headerEnd = -1;
            byte[] chunk = new byte[4096];
            while (headerEnd < 0 || buf.size() < headerEnd + contentLength) {
                int n = in.read(chunk);
                if (n < 0) {
                    break;
                }
                buf.write(chunk, 0, n);
                String text = buf.toString(StandardCharsets.ISO_8859_1);
                if (headerEnd < 0 && text.contains("\r\n\r\n")) {
                    headerEnd = text.indexOf("\r\n\r\n") + 4;
                    for (String line : text.substring(0, headerEnd).split("\r\n")) {
                        if (line.toLowerCase().startsWith("content-length:")) {
                            contentLength = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    contentLength = Math.max(contentLength, 0);
                }
            }
            return buf.toString(StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * A gateway with these limits over a data directory holding volume "v". The volume is created by a first
     * gateway with a generous request timeout: on a loaded machine the creation (a key wrap at the vault) can take
     * longer than the short timeout a test is about.
     */
    private GatewayFixture start(int maxConcurrent, int storageBound, Duration timeout) throws Exception {
        TestTokens.write(dir);
        try (GatewayFixture setup = GatewayFixture.start(dir)) {
            assertEquals(
                    201,
                    setup.json(
                                    "POST",
                                    "/v1/volumes",
                                    TestTokens.ADMIN,
                                    new JsonObject().put("name", "v").put("sizeBytes", 16L * BS))
                            .status());
        }
        GatewayConfig config = GatewayFixture.config(dir);
        config.limits()
                .setMaxConcurrentRequests(maxConcurrent)
                .setStorageQueueBound(storageBound)
                .setRequestTimeout(timeout);
        return GatewayFixture.start(config, null, b -> {});
    }

    /** Waits until the metrics page shows {@code line} (the server has really reached that state). */
    private static void awaitMetric(GatewayFixture gw, Metric metric, long value) {
        String line = metric.name() + " " + value + "\n";
        await("the metrics page showing " + line.strip())
                .atMost(Await.DEFAULT_TIMEOUT)
                .pollInterval(Duration.ofMillis(20))
                .until(() ->
                        new String(gw.get("/metrics", TestTokens.ADMIN).body(), StandardCharsets.UTF_8).contains(line));
    }

    /** Waits until the gateway counts {@code n} requests in progress. */
    static void awaitInFlight(GatewayFixture gw, int n) {
        await("requests in flight: " + n)
                .atMost(Await.DEFAULT_TIMEOUT)
                .pollInterval(Duration.ofMillis(10))
                .until(() -> gw.gateway.httpApi().inFlight() == n);
    }

    @Test
    void pastTheConcurrencyLimitANewRequestIsRefusedAtOnce() throws Exception {
        // A long request timeout: the held request must still be in progress when the second one arrives.
        try (GatewayFixture gw = start(1, 16, Duration.ofSeconds(60))) {
            byte[] block = BlockApiTest.random(BS, 7);
            try (RawRequest held = new RawRequest(gw, "PUT", "/v1/volumes/v/blocks/0", TestTokens.DATA_ALL, BS)) {
                held.send(java.util.Arrays.copyOf(block, 100));
                awaitInFlight(gw, 1);
                GatewayFixture.Response refused = gw.get("/v1/volumes/v/blocks/1", TestTokens.DATA_ALL);
                assertEquals(429, refused.status());
                assertEquals("TooManyRequests", refused.errorCode());
                assertEquals(200, gw.get("/health/live", null).status(), "liveness is not limited");

                held.send(java.util.Arrays.copyOfRange(block, 100, BS));
                assertTrue(held.response().startsWith("HTTP/1.1 204"), "the held request completes");
            }
            awaitInFlight(gw, 0);
            assertEquals(
                    new String(block, StandardCharsets.ISO_8859_1),
                    new String(
                            gw.get("/v1/volumes/v/blocks/0", TestTokens.DATA_ALL)
                                    .body(),
                            StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void anAnsweredRequestNoLongerCountsAgainstTheLimit() throws Exception {
        // Limit 1, each request on a new connection (so on either event loop): the next request is sent as soon as
        // the previous answer is read, and must never find that finished request still counted.
        try (GatewayFixture gw = start(1, 16, Duration.ofSeconds(60))) {
            byte[] block = BlockApiTest.random(BS, 9);
            for (int i = 0; i < 100; i++) {
                try (RawRequest put =
                        new RawRequest(gw, "PUT", "/v1/volumes/v/blocks/" + (i % 16), TestTokens.DATA_ALL, BS)) {
                    put.send(block);
                    String answer = put.response();
                    assertEquals(0, gw.gateway.httpApi().inFlight(), "counted after its answer (request " + i + ")");
                    assertTrue(answer.startsWith("HTTP/1.1 204"), "request " + i + ": " + answer);
                }
            }
        }
    }

    @Test
    void aStalledRequestTimesOutAndLeavesNothingWritten() throws Exception {
        try (GatewayFixture gw = start(1, 16, Duration.ofSeconds(1))) {
            try (RawRequest stalled = new RawRequest(gw, "PUT", "/v1/volumes/v/blocks/0", TestTokens.DATA_ALL, BS)) {
                stalled.send(new byte[100]);
                String answer = stalled.response();
                assertTrue(answer.startsWith("HTTP/1.1 503"), answer);
                assertTrue(answer.contains("\"RequestTimeout\""), answer);
                assertTrue(answer.toLowerCase().contains("connection: close"), answer);
            }
            awaitInFlight(gw, 0);
            // The slot is free again: a read is answered (under the same 1 s timeout, so on a loaded machine a read
            // may time out too; the test waits for one that does not).
            GatewayFixture.Response[] read = new GatewayFixture.Response[1];
            await("a read answered")
                    .atMost(Await.DEFAULT_TIMEOUT)
                    .until(() -> (read[0] = gw.get("/v1/volumes/v/blocks/0", TestTokens.DATA_ALL)).status() != 503);
            assertEquals(200, read[0].status());
            assertTrue(new String(read[0].body()).chars().allMatch(c -> c == 0), "the timed-out write never happened");
        }
    }

    @Test
    void aFullStorageQueuePausesTheNextRequestUntilASlotFrees() throws Exception {
        // A long request timeout: the holder must not time out while the test waits for the gateway's states.
        try (GatewayFixture gw = start(100, 1, Duration.ofSeconds(120))) {
            byte[] first = BlockApiTest.random(BS, 41);
            byte[] second = BlockApiTest.random(BS, 42);
            try (RawRequest holder = new RawRequest(gw, "PUT", "/v1/volumes/v/blocks/0", TestTokens.DATA_ALL, BS)) {
                holder.send(java.util.Arrays.copyOf(first, 100));
                // Only once the holder owns the one slot does the waiter send its headers (else it could win the slot).
                awaitMetric(gw, MetricCatalog.STORAGE_SLOTS_IN_USE, 1);
                try (RawRequest waiter = new RawRequest(gw, "PUT", "/v1/volumes/v/blocks/1", TestTokens.DATA_ALL, BS)) {
                    waiter.send(second);
                    awaitMetric(gw, MetricCatalog.STORAGE_REQUESTS_WAITING, 1);
                    // Not answered while paused: waiting half a second for an answer that must not come.
                    waiter.socket.setSoTimeout(500);
                    assertThrows(
                            SocketTimeoutException.class,
                            () -> fail("the waiter must not be answered yet: " + waiter.response()));

                    holder.send(java.util.Arrays.copyOfRange(first, 100, BS));
                    assertTrue(holder.response().startsWith("HTTP/1.1 204"));
                    waiter.socket.setSoTimeout(HANG_MILLIS);
                    assertTrue(waiter.response().startsWith("HTTP/1.1 204"));
                }
            }
            byte[] both = gw.get("/v1/volumes/v/blocks/0?count=2", TestTokens.DATA_ALL)
                    .body();
            assertEquals(
                    new String(first, StandardCharsets.ISO_8859_1) + new String(second, StandardCharsets.ISO_8859_1),
                    new String(both, StandardCharsets.ISO_8859_1));
        }
    }
}
