package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.strongroom.server.config.GatewayConfig;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A block read goes out in a pooled direct buffer that the HTTP frontend owns: every path releases it (answer written,
 * HEAD, client gone with answers queued, a timeout answered before the read completed). Checked through
 * {@code strongroom_plaintext_buffers_in_use}, which counts buffers not yet released and must come back to zero; the
 * build's paranoid leak detection would also report a buffer collected unreleased.
 */
class PlaintextBufferReleaseTest {
    private static final int BS = 8192;
    private static final int BLOCKS = 256;
    private static final Pattern IN_USE = Pattern.compile("(?m)^strongroom_plaintext_buffers_in_use (\\S+)$");

    @TempDir
    Path dir;

    /** A gateway on {@code dir} with volume {@code a} of random blocks. */
    private static GatewayFixture start(Path dir) throws Exception {
        TestTokens.write(dir);
        GatewayFixture gw = GatewayFixture.start(dir);
        JsonObject body = new JsonObject().put("name", "a").put("sizeBytes", (long) BLOCKS * BS);
        assertEquals(201, gw.json("POST", "/v1/volumes", TestTokens.ADMIN, body).status());
        byte[] data = new byte[BLOCKS * BS];
        new Random(7).nextBytes(data);
        for (int first = 0; first < BLOCKS; first += 64) {
            byte[] run = Arrays.copyOfRange(data, first * BS, (first + 64) * BS);
            assertEquals(
                    204,
                    gw.send("PUT", "/v1/volumes/a/blocks/" + first + "?count=64", TestTokens.ADMIN, run)
                            .status());
        }
        return gw;
    }

    private static long inUse(GatewayFixture gw) throws Exception {
        GatewayFixture.Response metrics = gw.get("/metrics", TestTokens.ADMIN);
        Matcher m = IN_USE.matcher(new String(metrics.body(), StandardCharsets.UTF_8));
        assertTrue(m.find(), "the gauge is exposed");
        return (long) Double.parseDouble(m.group(1));
    }

    private static void awaitAllReleased(GatewayFixture gw) {
        await("every plaintext buffer released").atMost(Await.DEFAULT_TIMEOUT).until(() -> inUse(gw) == 0);
    }

    @Test
    void answersAndHeadsReleaseTheirBuffers() throws Exception {
        try (GatewayFixture gw = start(dir)) {
            byte[] whole = gw.get("/v1/volumes/a/blocks/0?count=64", TestTokens.DATA_ALL)
                    .body();
            for (int i = 0; i < 200; i++) {
                int block = i % 64;
                GatewayFixture.Response one = gw.get("/v1/volumes/a/blocks/" + block, TestTokens.DATA_ALL);
                assertEquals(200, one.status());
                assertArrayEquals(Arrays.copyOfRange(whole, block * BS, (block + 1) * BS), one.body());
                GatewayFixture.Response head =
                        gw.send("HEAD", "/v1/volumes/a/blocks/" + block + "?count=8", TestTokens.DATA_ALL, null);
                assertEquals(200, head.status());
                assertEquals(
                        String.valueOf(8 * BS),
                        head.headers().firstValue("content-length").orElse(""));
            }
            awaitAllReleased(gw);
        }
    }

    @Test
    void clientsThatLeaveWithAnswersQueuedReleaseTheirBuffers() throws Exception {
        try (GatewayFixture gw = start(dir)) {
            byte[] request =
                    ("GET /v1/volumes/a/blocks/0?count=64 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                                    + TestTokens.DATA_ALL + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII);
            for (int c = 0; c < 8; c++) {
                try (Socket socket = new Socket("127.0.0.1", gw.gateway.httpPort())) {
                    socket.setSoTimeout((int) Await.DEFAULT_TIMEOUT.toMillis());
                    socket.setReceiveBufferSize(4096);
                    OutputStream out = socket.getOutputStream();
                    for (int i = 0; i < 40; i++) {
                        out.write(request);
                    }
                    out.flush();
                    InputStream in = socket.getInputStream();
                    byte[] some = new byte[1024];
                    assertTrue(in.read(some) > 0, "the first answer starts");
                    socket.setSoLinger(true, 0);
                }
            }
            awaitAllReleased(gw);
            assertEquals(
                    200, gw.get("/v1/volumes/a/blocks/3", TestTokens.DATA_ALL).status());
        }
    }

    @Test
    void readsThatCompleteAfterTheirTimeoutReleaseTheirBuffers() throws Exception {
        start(dir).close();
        GatewayConfig config = GatewayFixture.config(dir).setCacheBytes(0);
        config.limits().setRequestTimeout(Duration.ofMillis(1));
        try (GatewayFixture gw = GatewayFixture.start(config, null, c -> {})) {
            int ok = 0;
            int timedOut = 0;
            try (Socket socket = new Socket("127.0.0.1", gw.gateway.httpPort())) {
                socket.setSoTimeout((int) Await.DEFAULT_TIMEOUT.toMillis());
                OutputStream out = socket.getOutputStream();
                InputStream in = socket.getInputStream();
                for (int round = 0; round < 50; round++) {
                    for (int i = 0; i < 8; i++) {
                        int first = (round * 8 + i) * 13 % (BLOCKS - 64);
                        out.write(("GET /v1/volumes/a/blocks/" + first + "?count=64 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                        + "Authorization: Bearer " + TestTokens.DATA_ALL + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                    for (int i = 0; i < 8; i++) {
                        int status = RawAnswer.read(in);
                        if (status == 200) {
                            ok++;
                        } else {
                            assertEquals(503, status, "a read is answered or times out");
                            timedOut++;
                        }
                    }
                }
            }
            assertEquals(400, ok + timedOut);
            awaitAllReleased(gw);
        }
    }

    /** Reads one HTTP/1.1 answer with a Content-Length body; returns its status. */
    private static final class RawAnswer {
        static int read(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed after " + head);
                }
                head.append((char) b);
            }
            int length = 0;
            for (String line : head.toString().split("\r\n")) {
                if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            in.readNBytes(length);
            return Integer.parseInt(head.substring(9, 12));
        }
    }
}
