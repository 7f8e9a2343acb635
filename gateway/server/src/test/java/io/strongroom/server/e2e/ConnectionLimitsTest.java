package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.strongroom.http.ConnectionCloseReason;
import io.strongroom.http.HttpApi;
import io.strongroom.server.config.GatewayConfig;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/1.1 connection hygiene over raw sockets: a pipelining client that reads nothing costs bounded memory and is
 * closed after the write-stall timeout while others are served; slow headers, idle keep-alive connections and
 * connections over the limit are closed.
 */
class ConnectionLimitsTest {
    private static final int BS = 8192;
    private static final int SO_TIMEOUT = (int) Await.DEFAULT_TIMEOUT.toMillis();

    @TempDir
    static Path dir;

    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        TestTokens.write(dir);
        GatewayConfig config = GatewayFixture.config(dir);
        config.limits()
                .setHeaderReadTimeout(Duration.ofSeconds(1))
                .setIdleTimeout(Duration.ofSeconds(2))
                .setWriteStallTimeout(Duration.ofSeconds(2));
        gw = GatewayFixture.start(config, null, b -> {});
        String volume =
                new JsonObject().put("name", "nr").put("sizeBytes", 1024L * BS).encode();
        String created = exchange(post("/v1/volumes", volume));
        assertTrue(created.startsWith("HTTP/1.1 201 "), created);
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @Test
    void aPipeliningClientThatReadsNothingCostsBoundedMemoryAndIsClosed() throws Exception {
        HttpApi api = gw.gateway.httpApi();
        await("no answers pending").atMost(Await.DEFAULT_TIMEOUT).until(() -> api.responseBytesPending() == 0);
        long stalledBefore = api.connectionsClosed(ConnectionCloseReason.WRITE_STALL);
        byte[] request = ("GET /v1/volumes/nr/blocks/0?count=64 HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
                        + TestTokens.DATA_ALL + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (Socket greedy = new Socket()) {
            greedy.setReceiveBufferSize(4096);
            greedy.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), gw.gateway.httpPort()));
            greedy.setSoTimeout(SO_TIMEOUT);
            OutputStream out = greedy.getOutputStream();
            // 512 KiB asked for again and again: the writer blocks once the gateway stops reading, and fails when the
            // gateway closes the connection (the kernel resets it: data the gateway never read was left behind)
            java.util.concurrent.CompletableFuture<IOException> writeFailed =
                    new java.util.concurrent.CompletableFuture<>();
            Thread writer = new Thread(() -> {
                try {
                    while (true) {
                        out.write(request);
                    }
                } catch (IOException closed) {
                    writeFailed.complete(closed);
                }
            });
            writer.setDaemon(true);
            writer.start();
            // (b) the gateway holds at most its bound for this connection while the client reads nothing
            WriteStalls.awaitCloseWithinBound(api, stalledBefore);
            // (c) closed at once, though the client still reads nothing (a graceful close would wait for it to read)
            writeFailed.get(SO_TIMEOUT, java.util.concurrent.TimeUnit.MILLISECONDS);
            assertClosedByServer(greedy.getInputStream());
        }
        await("pending bytes released").atMost(Await.DEFAULT_TIMEOUT).until(() -> api.responseBytesPending() == 0);
    }

    @Test
    void otherClientsAreServedWhileAConnectionStalls() throws Exception {
        try (Socket greedy = new Socket()) {
            greedy.setReceiveBufferSize(4096);
            greedy.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), gw.gateway.httpPort()));
            OutputStream out = greedy.getOutputStream();
            String get = "GET /v1/volumes/nr/blocks/0?count=64 HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
                    + TestTokens.DATA_ALL + "\r\n\r\n";
            out.write(get.repeat(40).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            HttpApi api = gw.gateway.httpApi();
            await("the connection stalled with answers pending")
                    .atMost(Await.DEFAULT_TIMEOUT)
                    .until(() -> api.responseBytesPending() >= 2L * 1024 * 1024);
            // (a) another client's block read and liveness are answered meanwhile
            String live = exchange("GET /health/live HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n");
            assertTrue(live.startsWith("HTTP/1.1 200 "), live);
            String block = exchange("GET /v1/volumes/nr/blocks/3 HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer "
                    + TestTokens.DATA_ALL + "\r\nConnection: close\r\n\r\n");
            assertTrue(block.startsWith("HTTP/1.1 200 "), block);
            assertEquals(BS, block.length() - block.indexOf("\r\n\r\n") - 4);
        }
    }

    @Test
    void aWritePipelinedBehindUnreadAnswersWaitsAndIsServedOnceTheyAreRead(@TempDir Path other) throws Exception {
        TestTokens.write(other);
        try (GatewayFixture patient = GatewayFixture.start(GatewayFixture.config(other), null, b -> {})) {
            assertEquals(
                    201,
                    patient.json(
                                    "POST",
                                    "/v1/volumes",
                                    TestTokens.ADMIN,
                                    new JsonObject().put("name", "w").put("sizeBytes", 1024L * BS))
                            .status());
            byte[] block = new byte[BS];
            new java.util.Random(7).nextBytes(block);
            ByteArrayOutputStream pipelined = new ByteArrayOutputStream();
            String auth = "Host: gateway\r\nAuthorization: Bearer " + TestTokens.DATA_ALL + "\r\n";
            for (int i = 0; i < 30; i++) {
                pipelined.writeBytes(("GET /v1/volumes/w/blocks/0?count=64 HTTP/1.1\r\n" + auth + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            }
            pipelined.writeBytes(
                    ("PUT /v1/volumes/w/blocks/7 HTTP/1.1\r\n" + auth + "Content-Length: " + BS + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            pipelined.writeBytes(block);
            pipelined.writeBytes(("GET /v1/volumes/w/blocks/7 HTTP/1.1\r\n" + auth + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            HttpApi api = patient.gateway.httpApi();
            try (Socket socket = new Socket()) {
                socket.setReceiveBufferSize(4096);
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), patient.gateway.httpPort()));
                socket.setSoTimeout(SO_TIMEOUT);
                socket.getOutputStream().write(pipelined.toByteArray());
                socket.getOutputStream().flush();
                await("answers pending up to the connection's bound: the write waits behind them")
                        .atMost(Await.DEFAULT_TIMEOUT)
                        .until(() -> api.responseBytesPending() >= 2L * 2 * 1024 * 1024);
                java.io.DataInputStream in =
                        new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
                for (int i = 0; i < 30; i++) {
                    assertEquals(200, readResponse(in).status);
                }
                assertEquals(204, readResponse(in).status);
                Answer read = readResponse(in);
                assertEquals(200, read.status);
                assertTrue(java.util.Arrays.equals(block, read.body), "the deferred write's body arrived whole");
            }
        }
    }

    @Test
    void headersNotCompleteWithinTheHeaderReadTimeoutCloseTheConnection() throws Exception {
        HttpApi api = gw.gateway.httpApi();
        long before = api.connectionsClosed(ConnectionCloseReason.HEADER_TIMEOUT);
        try (Socket slow = connect()) {
            slow.getOutputStream().write("GET /health/live HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            assertEquals(-1, slow.getInputStream().read(), "closed without an answer");
        }
        assertTrue(api.connectionsClosed(ConnectionCloseReason.HEADER_TIMEOUT) > before);
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        HttpApi api = gw.gateway.httpApi();
        long before = api.connectionsClosed(ConnectionCloseReason.IDLE_TIMEOUT);
        try (Socket idle = connect()) {
            idle.getOutputStream()
                    .write("GET /health/live HTTP/1.1\r\nHost: gateway\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            idle.getOutputStream().flush();
            String answer = readAll(idle.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            assertTrue(answer.endsWith("{\"status\":\"UP\"}"), answer);
        }
        assertTrue(api.connectionsClosed(ConnectionCloseReason.IDLE_TIMEOUT) > before);
    }

    @Test
    void aConnectionOverTheLimitIsClosedAtOnceAndCounted(@TempDir Path other) throws Exception {
        TestTokens.write(other);
        GatewayConfig config = GatewayFixture.config(other);
        config.limits().setMaxConnections(4);
        try (GatewayFixture small = GatewayFixture.start(config, null, b -> {})) {
            HttpApi api = small.gateway.httpApi();
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    open.add(new Socket(InetAddress.getLoopbackAddress(), small.gateway.httpPort()));
                }
                await("four connections open").atMost(Await.DEFAULT_TIMEOUT).until(() -> api.connectionsOpen() == 4);
                try (Socket fifth = new Socket(InetAddress.getLoopbackAddress(), small.gateway.httpPort())) {
                    fifth.setSoTimeout(SO_TIMEOUT);
                    fifth.getOutputStream()
                            .write("GET /health/live HTTP/1.1\r\nHost: gateway\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                    assertClosedByServer(fifth.getInputStream());
                }
                assertEquals(1, api.connectionsClosed(ConnectionCloseReason.LIMIT));
                // the four inside are served
                Socket first = open.get(0);
                first.setSoTimeout(SO_TIMEOUT);
                first.getOutputStream()
                        .write("GET /health/live HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                assertTrue(readAll(first.getInputStream()).startsWith("HTTP/1.1 200 "));
                await("a place freed").atMost(Await.DEFAULT_TIMEOUT).until(() -> api.connectionsOpen() == 3);
                try (Socket again = new Socket(InetAddress.getLoopbackAddress(), small.gateway.httpPort())) {
                    again.setSoTimeout(SO_TIMEOUT);
                    again.getOutputStream()
                            .write("GET /health/live HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                    assertTrue(readAll(again.getInputStream()).startsWith("HTTP/1.1 200 "));
                }
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    record Answer(int status, byte[] body) {}

    /** One HTTP/1.1 answer with a Content-Length body. */
    private static Answer readResponse(java.io.DataInputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(
                        line.substring("content-length:".length()).trim());
            }
        }
        byte[] body = new byte[length];
        in.readFully(body);
        return new Answer(Integer.parseInt(head.substring(9, 12)), body);
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), gw.gateway.httpPort());
        socket.setSoTimeout(SO_TIMEOUT);
        return socket;
    }

    private static String post(String path, String json) {
        return "POST " + path + " HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + TestTokens.ADMIN
                + "\r\nContent-Type: application/json\r\nContent-Length: " + json.length()
                + "\r\nConnection: close\r\n\r\n" + json;
    }

    /**
     * Reads until the server's close shows: EOF or a reset. A connection left open fails the test with a
     * SocketTimeoutException (the socket's read timeout).
     */
    private static void assertClosedByServer(InputStream in) throws IOException {
        byte[] sink = new byte[65536];
        try {
            while (in.read(sink) >= 0) {
                // drain what the kernel still holds
            }
        } catch (SocketException reset) {
            // closed with answers unsent: the kernel resets
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        in.transferTo(answer);
        return answer.toString(StandardCharsets.ISO_8859_1);
    }

    /** Sends {@code request} on a new connection and reads until the server closes it. */
    private static String exchange(String request) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return readAll(socket.getInputStream());
        }
    }
}
