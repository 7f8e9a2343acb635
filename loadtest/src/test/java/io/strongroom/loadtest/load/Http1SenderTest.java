package io.strongroom.loadtest.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.strongroom.loadtest.cli.LoadTestOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP/1.1 engine's response parser and connection handling, against a raw TCP server that answers every
 * request (one per connection at a time) with bytes chosen by the test.
 */
class Http1SenderTest {

    private static final int BODY = 1000;

    private Vertx vertx;
    private NetServer server;
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Function<NetSocket, Buffer[]> answer;
    private volatile boolean closeAfterAnswer;
    private final Queue<String> requestHeads = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void startServer() {
        vertx = Vertx.vertx();
        server = Await.result(vertx.createNetServer()
                .connectHandler(socket -> {
                    connections.incrementAndGet();
                    StringBuilder pending = new StringBuilder();
                    socket.handler(data -> {
                        pending.append(data.toString(StandardCharsets.ISO_8859_1));
                        int end;
                        while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
                            requestHeads.add(pending.substring(0, end + 4));
                            pending.delete(0, end + 4);
                            for (Buffer piece : answer.apply(socket)) {
                                socket.write(piece);
                            }
                            if (closeAfterAnswer) {
                                socket.close();
                            }
                        }
                    });
                })
                .listen(0, "127.0.0.1"));
    }

    @AfterEach
    void stop() {
        Await.result(vertx.close());
    }

    /**
     * A 1 s window at 200 requests/s over two connections. The request timeout is generous, so that a loaded machine
     * does not turn a slow answer into a counted timeout; only the case about timeouts sets a short one.
     */
    private RunResult run(Path out) throws Exception {
        return run(out, Duration.ofSeconds(10), Duration.ofSeconds(5));
    }

    private RunResult run(Path out, Duration requestTimeout, Duration drainTimeout) throws Exception {
        LoadTestOptions o = new LoadTestOptions()
                .targets(List.of("http://127.0.0.1:" + server.actualPort()))
                .readRatio(1)
                .connections(2)
                .rate(200)
                .warmup(Duration.ZERO)
                .duration(Duration.ofSeconds(1))
                .requestTimeout(requestTimeout)
                .drainTimeout(drainTimeout)
                .out(out)
                .quiet(true);
        return new LoadRun(o, line -> {}).run();
    }

    private static Buffer ascii(String s) {
        return Buffer.buffer(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Answers {@code odd} to the 1st, 3rd... request and {@code even} to the 2nd, 4th... (over all connections). */
    private static Function<NetSocket, Buffer[]> alternately(String even, String odd) {
        AtomicInteger n = new AtomicInteger();
        return s -> new Buffer[] {ascii(n.incrementAndGet() % 2 == 0 ? even : odd)};
    }

    /** The whole response in pieces of {@code size} bytes, each its own write. */
    private static Buffer[] inPieces(String head, int bodyLength, int size) {
        Buffer whole = ascii(head).appendBytes(new byte[bodyLength]);
        Buffer[] pieces = new Buffer[(whole.length() + size - 1) / size];
        for (int i = 0; i < pieces.length; i++) {
            pieces[i] = whole.getBuffer(i * size, Math.min(whole.length(), (i + 1) * size));
        }
        return pieces;
    }

    @Test
    void responsesSplitAnywhereAreParsedAndBodiesCounted(@TempDir Path out) throws Exception {
        answer = s -> inPieces("HTTP/1.1 200 OK\r\ncontent-length: " + BODY + "\r\nX-Other: a:b\r\n\r\n", BODY, 7);
        RunResult r = run(out);
        assertEquals(0, r.errors(), "errors: " + r.countsByStatus());
        long ok = r.countsByStatus().getOrDefault("200", 0L);
        assertTrue(ok >= 190 && ok <= 210, "about 200 answered in the window: " + ok);
        assertEquals(ok * BODY, r.bytesIn(), "every body byte counted, none of the heads");
        assertEquals(2, connections.get(), "keep-alive: the two lanes were never replaced");
    }

    @Test
    void requestsCarryTheirBlockAddressAndTheHost(@TempDir Path out) throws Exception {
        answer = s -> new Buffer[] {ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")};
        RunResult r = run(out);
        assertEquals(0, r.errors(), "errors: " + r.countsByStatus());
        assertTrue(requestHeads.size() > 100, "requests seen: " + requestHeads.size());
        String expected = "GET /v1/volumes/[^/ ]+/blocks/(0|[1-9][0-9]*) HTTP/1\\.1\r\nHost: 127\\.0\\.0\\.1:"
                + server.actualPort() + "\r\n\r\n";
        for (String head : requestHeads) {
            assertTrue(head.matches(expected), "request head: " + head);
        }
    }

    @Test
    void numbersAreWrittenInDecimal() {
        for (long n : new long[] {0, 7, 10, 4095, 1_000_000, Long.MAX_VALUE}) {
            Buffer b = Buffer.buffer("x");
            Http1Sender.appendDecimal(b, n);
            assertEquals("x" + n, b.toString(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void statusesWithoutABodyAndErrorsAreCountedByStatus(@TempDir Path out) throws Exception {
        answer =
                alternately("HTTP/1.1 204 No Content\r\n\r\n", "HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}");
        RunResult r = run(out);
        assertTrue(
                r.countsByStatus().getOrDefault("204", 0L) > 50
                        && r.countsByStatus().getOrDefault("404", 0L) > 50,
                "by status: " + r.countsByStatus());
        assertEquals(
                0,
                r.countsByStatus().getOrDefault("io-error", 0L)
                        + r.countsByStatus().getOrDefault("timeout", 0L));
    }

    @Test
    void connectionCloseIsFollowedByANewConnection(@TempDir Path out) throws Exception {
        closeAfterAnswer = true;
        answer = s -> new Buffer[] {ascii("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbye")};
        RunResult r = run(out);
        assertEquals(0, r.errors(), "errors: " + r.countsByStatus());
        long ok = r.countsByStatus().getOrDefault("200", 0L);
        // A connection per request is slow on a loaded machine (fewer than the 200 due get sent in the window):
        // what counts is that the requests that were sent got their answers, each on a connection of its own.
        assertTrue(ok >= 20, "answered: " + ok);
        assertTrue(connections.get() >= ok, "one connection per response: " + connections.get() + " for " + ok);
    }

    @Test
    void chunkedOrUnsizedBodiesAreReportedAsErrors(@TempDir Path out) throws Exception {
        answer = alternately(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\n\r\nabc");
        RunResult r = run(out);
        assertEquals(0, r.countsByStatus().getOrDefault("200", 0L), "no such response passes: " + r.countsByStatus());
        assertTrue(r.countsByStatus().getOrDefault("io-error", 0L) > 100, "reported as errors: " + r.countsByStatus());
    }

    @Test
    void aServerThatNeverAnswersTimesOut(@TempDir Path out) throws Exception {
        answer = s -> new Buffer[0];
        RunResult r = run(out, Duration.ofMillis(300), Duration.ofMillis(500));
        assertEquals(0, r.countsByStatus().getOrDefault("200", 0L));
        // At most one request per lane is in flight: two lanes, a 300 ms timeout, a 1 s window
        assertTrue(r.countsByStatus().getOrDefault("timeout", 0L) >= 4, "timeouts counted: " + r.countsByStatus());
        assertTrue(connections.get() > 2, "timed-out lanes were replaced: " + connections.get());
    }
}
