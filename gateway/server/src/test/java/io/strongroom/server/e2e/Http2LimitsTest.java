package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.metrics.Metric;
import io.strongroom.core.metrics.MetricCatalog;
import io.strongroom.core.testkit.Await;
import io.strongroom.http.ConnectionCloseReason;
import io.strongroom.http.HttpApi;
import io.strongroom.server.config.GatewayConfig;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 over TLS from a client written frame by frame, to do what well-behaved clients do not: open streams before
 * acknowledging SETTINGS, send headers and no body, never read. The stream cap holds from the first frame, headers
 * without a body hold no storage slot, one connection holds at most its share of slots, and a connection that reads
 * nothing costs bounded memory and is closed after the write-stall timeout, while other clients are served.
 */
class Http2LimitsTest {
    private static final int BS = 8192;
    private static final int STREAMS = 100;
    private static final int SLOTS_PER_CONNECTION = 8;
    private static final int STORAGE_BOUND = 16;

    @TempDir
    static Path dir;

    static GatewayFixture gw;
    static SSLContext clientTls;
    private final List<RawH2> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        TestCertificates.Issued ca = TestCertificates.ca("strongroom h2 test CA");
        TestCertificates.server(ca).writePem(dir.resolve("server.pem"), dir.resolve("server.key"));
        Path data = Files.createDirectories(dir.resolve("data"));
        TestTokens.write(data);
        GatewayConfig config = GatewayFixture.config(data);
        config.tls().setCertPath(dir.resolve("server.pem")).setKeyPath(dir.resolve("server.key"));
        config.limits()
                .setMaxStreamsPerConnection(STREAMS)
                .setMaxStorageSlotsPerConnection(SLOTS_PER_CONNECTION)
                .setStorageQueueBound(STORAGE_BOUND)
                .setWriteStallTimeout(Duration.ofSeconds(5));
        clientTls = TestCertificates.clientContext(ca.certificate(), null);
        gw = GatewayFixture.start(config, clientTls, b -> {});
        assertEquals(
                201,
                gw.json(
                                "POST",
                                "/v1/volumes",
                                TestTokens.ADMIN,
                                new JsonObject().put("name", "h2").put("sizeBytes", 1024L * BS))
                        .status());
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @BeforeEach
    void nothingInFlight() {
        HttpApi api = gw.gateway.httpApi();
        await("no request left from an earlier test")
                .atMost(Await.DEFAULT_TIMEOUT)
                .until(() -> api.inFlight() == 0 && api.responseBytesPending() == 0);
    }

    @AfterEach
    void closeClients() throws IOException {
        for (RawH2 client : clients) {
            client.close();
        }
    }

    @Test
    void streamsOverTheCapAreRefusedEvenBeforeSettingsAreAcknowledged() throws Exception {
        RawH2 h2 = open(false);
        for (int i = 0; i < STREAMS + 50; i++) {
            h2.headers("PUT", "/v1/volumes/h2/blocks/" + i, false);
        }
        await("50 streams refused")
                .atMost(Await.DEFAULT_TIMEOUT)
                .until(() ->
                        h2.resets.values().stream().filter(code -> code == 7).count() == 50);
        assertEquals(STREAMS, gw.gateway.httpApi().inFlight(), "the streams under the cap are served");
        assertEquals(50, h2.resets.size(), () -> "only REFUSED_STREAM resets: " + h2.resets);
        assertTrue(h2.resets.keySet().stream().allMatch(stream -> stream > 2 * STREAMS), "the last ones refused");
    }

    @Test
    void headersWithoutABodyHoldNoStorageSlot() throws Exception {
        for (int c = 0; c < 3; c++) {
            RawH2 h2 = open(true);
            for (int i = 0; i < STREAMS; i++) {
                h2.headers("PUT", "/v1/volumes/h2/blocks/" + i, false);
            }
        }
        await("300 bodiless PUTs in progress")
                .atMost(Await.DEFAULT_TIMEOUT)
                .until(() -> gw.gateway.httpApi().inFlight() == 3 * STREAMS);
        assertEquals(0, metric(MetricCatalog.STORAGE_SLOTS_IN_USE));
        GatewayFixture.Response read = gw.get("/v1/volumes/h2/blocks/5", TestTokens.DATA_ALL);
        assertEquals(200, read.status());
        assertEquals(BS, read.body().length);
    }

    @Test
    void aConnectionHoldsAtMostItsShareOfStorageSlots() throws Exception {
        RawH2 h2 = open(true);
        for (int i = 0; i < 20; i++) {
            int stream = h2.headers("PUT", "/v1/volumes/h2/blocks/" + i, false);
            h2.data(stream, new byte[BS / 4], false);
        }
        await("20 half-sent PUTs in progress")
                .atMost(Await.DEFAULT_TIMEOUT)
                .until(() -> gw.gateway.httpApi().inFlight() == 20);
        await("the connection's slots taken")
                .atMost(Await.DEFAULT_TIMEOUT)
                .until(() -> metric(MetricCatalog.STORAGE_SLOTS_IN_USE) == SLOTS_PER_CONNECTION);
        assertEquals(0, metric(MetricCatalog.STORAGE_REQUESTS_WAITING), "the other 12 wait on their connection");
        GatewayFixture.Response read = gw.get("/v1/volumes/h2/blocks/5", TestTokens.DATA_ALL);
        assertEquals(200, read.status());
        assertEquals(SLOTS_PER_CONNECTION, metric(MetricCatalog.STORAGE_SLOTS_IN_USE));
    }

    @Test
    void aClientThatReadsNothingCostsBoundedMemoryAndIsClosed() throws Exception {
        HttpApi api = gw.gateway.httpApi();
        long stalledBefore = api.connectionsClosed(ConnectionCloseReason.WRITE_STALL);
        RawH2 h2 = new RawH2(true);
        clients.add(h2);
        for (int i = 0; i < 60; i++) {
            h2.headers("GET", "/v1/volumes/h2/blocks/0?count=64", true);
        }
        await("the connection serving").atMost(Await.DEFAULT_TIMEOUT).until(() -> api.responseBytesPending() > 0);
        int withIt = api.connectionsOpen();
        WriteStalls.awaitCloseWithinBound(api, stalledBefore);
        await("the stalled connection gone, though the client still reads nothing")
                .atMost(Await.DEFAULT_TIMEOUT)
                .until(() -> api.connectionsOpen() == withIt - 1);
        GatewayFixture.Response live = gw.get("/health/live", null);
        assertEquals(200, live.status());
        h2.startReading();
        h2.awaitClosed();
        await("pending bytes released").atMost(Await.DEFAULT_TIMEOUT).until(() -> api.responseBytesPending() == 0);
    }

    @Test
    void aWriteOpenedBehindUnreadAnswersWaitsAndIsServedOnceTheyAreRead() throws Exception {
        HttpApi api = gw.gateway.httpApi();
        RawH2 h2 = new RawH2(true);
        clients.add(h2);
        for (int i = 0; i < 20; i++) {
            h2.headers("GET", "/v1/volumes/h2/blocks/0?count=64", true);
        }
        await("answers pending up to the connection's bound")
                .atMost(Await.DEFAULT_TIMEOUT)
                .until(() -> api.responseBytesPending() >= 2L * 2 * 1024 * 1024);
        byte[] block = new byte[BS];
        new java.util.Random(11).nextBytes(block);
        int put = h2.headers("PUT", "/v1/volumes/h2/blocks/9", false);
        h2.data(put, block, true);
        h2.startReading();
        await("every stream answered")
                .atMost(Await.DEFAULT_TIMEOUT)
                .until(() -> h2.answered.size() == 21 && api.inFlight() == 0);
        assertTrue(h2.resets.isEmpty(), () -> "no stream reset: " + h2.resets);
        assertTrue(java.util.Arrays.equals(
                block, gw.get("/v1/volumes/h2/blocks/9", TestTokens.DATA_ALL).body()));
    }

    private RawH2 open(boolean ackSettings) throws IOException {
        RawH2 client = new RawH2(ackSettings);
        clients.add(client);
        client.startReading();
        return client;
    }

    private static long metric(Metric metric) throws Exception {
        String page = new String(gw.get("/metrics", TestTokens.ADMIN).body(), StandardCharsets.UTF_8);
        for (String line : page.split("\n")) {
            if (line.startsWith(metric.name() + " ")) {
                return (long) Double.parseDouble(line.substring(metric.name().length() + 1));
            }
        }
        throw new AssertionError("no " + metric.name() + " on the metrics page");
    }

    /**
     * An HTTP/2 client speaking raw frames (RFC 9113) over TLS with ALPN h2; header blocks are HPACK literals
     * without indexing (RFC 7541 section 6.2.2), so no compression state is kept. A reader thread records
     * resets, and acknowledges SETTINGS only when asked to.
     */
    static final class RawH2 implements AutoCloseable {
        private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

        final Map<Integer, Integer> resets = new ConcurrentHashMap<>();
        /** Streams whose answer ended (END_STREAM from the server). */
        final java.util.Set<Integer> answered = ConcurrentHashMap.newKeySet();

        private final SSLSocket socket;
        private final OutputStream out;
        private final boolean ackSettings;
        private final Thread reader;
        private volatile boolean closed;
        private int nextStream = 1;

        RawH2(boolean ackSettings) throws IOException {
            this.ackSettings = ackSettings;
            socket = (SSLSocket)
                    clientTls.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), gw.gateway.httpPort());
            SSLParameters params = socket.getSSLParameters();
            params.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(params);
            socket.startHandshake();
            assertEquals("h2", socket.getApplicationProtocol());
            out = socket.getOutputStream();
            out.write(PREFACE);
            frame(4, 0, 0, new byte[0]);
            reader = new Thread(this::readFrames, "raw-h2-reader");
            reader.setDaemon(true);
        }

        /** Starts reading frames (until then the client reads nothing: no ACK, no window update). */
        void startReading() {
            reader.start();
        }

        /** Opens a stream; returns its id. */
        synchronized int headers(String method, String path, boolean endStream) throws IOException {
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            literal(block, 2, method);
            block.write(0x87); // :scheme https, indexed
            literal(block, 4, path);
            literal(block, 1, "localhost");
            literal(block, 23, "Bearer " + TestTokens.DATA_ALL);
            if (method.equals("PUT")) {
                literal(block, 28, Integer.toString(BS));
            }
            int stream = nextStream;
            nextStream += 2;
            frame(1, 0x4 | (endStream ? 0x1 : 0), stream, block.toByteArray());
            return stream;
        }

        synchronized void data(int stream, byte[] bytes, boolean endStream) throws IOException {
            frame(0, endStream ? 0x1 : 0, stream, bytes);
        }

        /** Waits until the server's close shows: EOF, a reset, or a TLS close. */
        void awaitClosed() throws InterruptedException {
            reader.join(Await.DEFAULT_TIMEOUT.toMillis());
            assertTrue(closed, "the connection was closed by the server");
        }

        private synchronized void frame(int type, int flags, int stream, byte[] payload) throws IOException {
            byte[] head = {
                (byte) (payload.length >>> 16),
                (byte) (payload.length >>> 8),
                (byte) payload.length,
                (byte) type,
                (byte) flags,
                (byte) (stream >>> 24),
                (byte) (stream >>> 16),
                (byte) (stream >>> 8),
                (byte) stream
            };
            out.write(head);
            out.write(payload);
            out.flush();
        }

        /** Literal header field without indexing, name from the static table at {@code index}. */
        private static void literal(ByteArrayOutputStream block, int index, String value) {
            integer(block, 0x00, 4, index);
            byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
            integer(block, 0x00, 7, bytes.length);
            block.writeBytes(bytes);
        }

        private static void integer(ByteArrayOutputStream block, int flags, int prefixBits, int value) {
            int max = (1 << prefixBits) - 1;
            if (value < max) {
                block.write(flags | value);
                return;
            }
            block.write(flags | max);
            value -= max;
            while (value >= 128) {
                block.write((value & 0x7f) | 0x80);
                value >>>= 7;
            }
            block.write(value);
        }

        private void readFrames() {
            try {
                DataInputStream in = new DataInputStream(socket.getInputStream());
                byte[] head = new byte[9];
                while (true) {
                    in.readFully(head);
                    int length = ((head[0] & 0xff) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
                    int type = head[3];
                    int flags = head[4];
                    int stream = ((head[5] & 0x7f) << 24)
                            | ((head[6] & 0xff) << 16)
                            | ((head[7] & 0xff) << 8)
                            | (head[8] & 0xff);
                    byte[] payload = new byte[length];
                    in.readFully(payload);
                    if ((type == 0 || type == 1) && (flags & 0x1) != 0) {
                        answered.add(stream);
                    }
                    if (type == 0 && length > 0) {
                        // give the window back, for the stream and the connection, as a reading client does
                        byte[] increment = {
                            (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length
                        };
                        frame(8, 0, stream, increment);
                        frame(8, 0, 0, increment);
                    }
                    if (type == 3) {
                        resets.put(
                                stream,
                                ((payload[0] & 0xff) << 24)
                                        | ((payload[1] & 0xff) << 16)
                                        | ((payload[2] & 0xff) << 8)
                                        | (payload[3] & 0xff));
                    } else if (type == 4 && (flags & 0x1) == 0 && ackSettings) {
                        frame(4, 0x1, 0, new byte[0]);
                    }
                }
            } catch (EOFException | SocketException | SSLException end) {
                closed = true;
            } catch (IOException e) {
                // the test closed the socket
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
