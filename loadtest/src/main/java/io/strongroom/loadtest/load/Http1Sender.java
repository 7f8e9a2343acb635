package io.strongroom.loadtest.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.strongroom.loadtest.cli.LoadTestOptions;
import io.strongroom.loadtest.measure.LatencyRecorders;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP/1.1 engine, built like wrk: keep-alive connections ("lanes") with one request at a time each, the
 * request written as one buffer, the response read by a minimal parser (status line, {@code Content-Length},
 * {@code Connection: close}; body bytes are counted, not kept). Compared with Vert.x's HttpClient it has no
 * connection pool, no per-request client objects and no timer per request (one timeout sweep per event loop), so
 * on a single core it sends well over twice the requests per second, and the generator stays below its own limit
 * at the rates it is asked to measure. Chunked responses, and responses with a body but no length, are reported
 * as errors: the gateway, the baseline and nginx send lengths. HTTP/2 goes through {@link BlockRequester}.
 *
 * <p>Every lane belongs to one client event loop and one target; {@link #send} takes a free lane of the calling
 * loop for the next target in turn, or queues the request until one is free (the drivers never have more requests
 * in flight on a loop than it has lanes, so a request waits only while a lane reconnects). A lane closed by the
 * server ({@code Connection: close}, an error) or by a timeout fails its request, if any, and is reconnected;
 * waiting for it counts in the corrected latency, as the time to connect counts in wrk's.
 */
public final class Http1Sender implements RequestSender {

    private static final int MAX_HEAD_BYTES = 16 * 1024;
    private static final long RECONNECT_DELAY_MILLIS = 100;
    private static final byte[] PUT_HEADERS = ascii("Content-Type: application/octet-stream\r\nContent-Length: ");
    private static final byte[] CRLF = ascii("\r\n");
    private static final AsciiString CRLF_TEXT = AsciiString.cached("\r\n");
    private static final AsciiString HTTP_1 = AsciiString.cached("HTTP/1.");
    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("Content-Length");
    private static final AsciiString TRANSFER_ENCODING = AsciiString.cached("Transfer-Encoding");
    private static final AsciiString CONNECTION = AsciiString.cached("Connection");
    private static final AsciiString CHUNKED = AsciiString.cached("chunked");
    private static final AsciiString CLOSE = AsciiString.cached("close");

    private final Vertx vertx;
    private final NetClient client;
    private final Target[] targets;
    /** By target and volume: {@code "GET "} or {@code "PUT "} and the path up to the block number. */
    private final byte[][][] getStarts;

    private final byte[][][] putStarts;
    /** By target: the rest of the request line and the headers every request has. */
    private final byte[][] headEnds;

    private final Workload workload;
    private final long timeoutNanos;
    private final AtomicLong inFlight = new AtomicLong();
    /** By event-loop thread: handlers run on duplicates of a loop's context, never on the context itself. */
    private final Map<Thread, Loop> loops = new ConcurrentHashMap<>();

    private volatile boolean closed;

    public Http1Sender(Vertx vertx, LoadTestOptions o, List<Target> targets, Workload workload) {
        this.vertx = vertx;
        this.targets = targets.toArray(new Target[0]);
        this.workload = workload;
        this.timeoutNanos = o.requestTimeout().toNanos();
        int volumes = workload.volumes().size();
        this.getStarts = new byte[this.targets.length][volumes][];
        this.putStarts = new byte[this.targets.length][volumes][];
        this.headEnds = new byte[this.targets.length][];
        String authorization = o.token() == null ? "" : "Authorization: Bearer " + o.token() + "\r\n";
        for (int t = 0; t < this.targets.length; t++) {
            for (int v = 0; v < volumes; v++) {
                getStarts[t][v] = ascii("GET " + this.targets[t].basePath() + workload.pathPrefix(v));
                putStarts[t][v] = ascii("PUT " + this.targets[t].basePath() + workload.pathPrefix(v));
            }
            headEnds[t] = ascii(workload.pathSuffix() + " HTTP/1.1\r\nHost: " + this.targets[t].host() + ":"
                    + this.targets[t].port() + "\r\n" + authorization);
        }
        NetClientOptions options = new NetClientOptions()
                .setTcpNoDelay(true)
                .setConnectTimeout(
                        (int) Math.min(Integer.MAX_VALUE, o.requestTimeout().toMillis()))
                .setHostnameVerificationAlgorithm(o.verifyHost() ? "HTTPS" : "");
        if (o.trustPem() != null) {
            options.setTrustOptions(
                    new PemTrustOptions().addCertPath(o.trustPem().toString()));
        }
        this.client = vertx.createNetClient(options);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Appends a non-negative number in decimal ASCII. */
    static void appendDecimal(Buffer buffer, long n) {
        int digits = 1;
        for (long rest = n / 10; rest > 0; rest /= 10) {
            digits++;
        }
        int at = buffer.length();
        for (int i = digits - 1; i >= 0; i--) {
            buffer.setByte(at + i, (byte) ('0' + n % 10));
            n /= 10;
        }
    }

    /**
     * Opens {@code connectionsPerTarget} lanes to every target, spread over the event loops of {@code contexts},
     * and starts each loop's timeout sweep. Completes when every lane is connected.
     */
    public Future<Void> open(List<Context> contexts, int connectionsPerTarget) {
        List<Future<Void>> connected = new ArrayList<>();
        for (int k = 0; k < contexts.size(); k++) {
            Context context = contexts.get(k);
            Loop loop = new Loop();
            int share = connectionsPerTarget / contexts.size() + (k < connectionsPerTarget % contexts.size() ? 1 : 0);
            Promise<Void> opened = Promise.promise();
            context.runOnContext(v -> {
                loops.put(Thread.currentThread(), loop);
                List<Future<Void>> lanes = new ArrayList<>();
                for (int t = 0; t < targets.length; t++) {
                    for (int i = 0; i < share; i++) {
                        lanes.add(loop.connectOrRetry(t));
                    }
                }
                long sweep = Math.max(10, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 10));
                loop.sweepTimer = vertx.setPeriodic(sweep, id -> loop.sweep());
                Future.all(lanes).<Void>mapEmpty().onComplete(opened);
            });
            connected.add(opened.future());
        }
        return Future.all(connected).mapEmpty();
    }

    /** Requests sent and not yet answered (or failed). */
    public long inFlight() {
        return inFlight.get();
    }

    @Override
    public Future<Void> send(long intendedNanos, SplittableRandom rnd, LatencyRecorders.Phase phase) {
        Loop loop = loops.get(Thread.currentThread());
        if (loop == null) {
            phase.failure(new IllegalStateException("send called off the client's event loops"));
            return Future.succeededFuture();
        }
        int target = loop.nextTarget();
        boolean read = workload.nextIsRead(rnd);
        int volume = workload.nextVolume(rnd);
        long block = workload.nextBlock(volume, rnd);
        Buffer body = read ? null : workload.payload(volume, block);
        // Built from prebuilt bytes and digits: no strings per request (the generator's garbage is its GC pauses).
        Buffer head = Buffer.buffer(256).appendBytes((read ? getStarts : putStarts)[target][volume]);
        appendDecimal(head, block);
        head.appendBytes(headEnds[target]);
        if (body != null) {
            head.appendBytes(PUT_HEADERS);
            appendDecimal(head, body.length());
            head.appendBytes(CRLF);
            phase.bytesOut(body.length());
        }
        head.appendBytes(CRLF);
        Buffer request = body == null
                ? head
                : BufferInternal.buffer(Unpooled.wrappedBuffer(
                        ((BufferInternal) head).getByteBuf(), ((BufferInternal) body).getByteBuf()));
        inFlight.incrementAndGet();
        Exchange exchange = new Exchange(request, intendedNanos, phase);
        Lane lane = loop.idle[target].pollFirst();
        if (lane == null) {
            loop.waiting[target].addLast(exchange);
        } else {
            lane.start(exchange);
        }
        return exchange.done.future();
    }

    /** One request: its bytes, its times and its outcome. */
    private final class Exchange {
        final Buffer request;
        final long intendedNanos;
        final long queuedNanos = System.nanoTime();
        final LatencyRecorders.Phase phase;
        final Promise<Void> done = Promise.promise();

        Exchange(Buffer request, long intendedNanos, LatencyRecorders.Phase phase) {
            this.request = request;
            this.intendedNanos = intendedNanos;
            this.phase = phase;
        }

        void fail(Throwable cause) {
            phase.failure(cause);
            inFlight.decrementAndGet();
            done.complete();
        }
    }

    /** Stops the sweeps and closes every connection; requests still in flight fail. */
    public Future<Void> close() {
        closed = true;
        for (Loop loop : loops.values()) {
            vertx.cancelTimer(loop.sweepTimer);
        }
        return client.close();
    }

    /** The lanes of one event loop and the requests waiting for one, per target; confined to the loop. */
    private final class Loop {
        final ArrayDeque<Lane>[] idle;
        final ArrayDeque<Exchange>[] waiting;
        final List<Lane> all = new ArrayList<>();
        long sweepTimer;
        private int turn;

        @SuppressWarnings("unchecked")
        Loop() {
            this.idle = new ArrayDeque[targets.length];
            this.waiting = new ArrayDeque[targets.length];
            for (int t = 0; t < targets.length; t++) {
                idle[t] = new ArrayDeque<>();
                waiting[t] = new ArrayDeque<>();
            }
        }

        int nextTarget() {
            if (targets.length == 1) {
                return 0;
            }
            turn = (turn + 1) % targets.length;
            return turn;
        }

        /** A lane is free: it takes the oldest waiting request of its target, or waits for the next one. */
        void free(Lane lane) {
            Exchange next = waiting[lane.target].pollFirst();
            if (next == null) {
                idle[lane.target].addLast(lane);
            } else {
                lane.start(next);
            }
        }

        Future<Void> connect(int target) {
            Target t = targets[target];
            ConnectOptions options =
                    new ConnectOptions().setHost(t.host()).setPort(t.port()).setSsl(t.ssl());
            if (t.ssl()) {
                options.setSniServerName(t.host());
            }
            return client.connect(options).map(socket -> {
                Lane lane = new Lane(this, target, socket);
                all.add(lane);
                free(lane);
                return null;
            });
        }

        /** Connects a lane for the target, retrying while the target refuses (requests wait meanwhile). */
        Future<Void> connectOrRetry(int target) {
            return connect(target).recover(e -> {
                vertx.setTimer(RECONNECT_DELAY_MILLIS, id -> {
                    if (!closed) {
                        connectOrRetry(target);
                    }
                });
                return Future.succeededFuture();
            });
        }

        /** A lane is gone: a new one replaces it. */
        void replace(Lane lane) {
            all.remove(lane);
            idle[lane.target].remove(lane);
            if (!closed) {
                connectOrRetry(lane.target);
            }
        }

        void sweep() {
            long now = System.nanoTime();
            String limit = TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms";
            for (Lane lane : List.copyOf(all)) {
                if (lane.exchange != null && now - lane.sentNanos > timeoutNanos) {
                    lane.fail(new TimeoutException("no complete response within " + limit));
                    lane.socket.close();
                }
            }
            for (ArrayDeque<Exchange> queue : waiting) {
                while (!queue.isEmpty() && now - queue.peekFirst().queuedNanos > timeoutNanos) {
                    queue.pollFirst().fail(new TimeoutException("no connection to send on within " + limit));
                }
            }
        }
    }

    /** One connection and the request on it, with the state of its response parser. */
    private final class Lane {
        final Loop loop;
        final int target;
        final NetSocket socket;
        private final byte[] head = new byte[MAX_HEAD_BYTES];
        private int headLength;
        private boolean inBody;
        private int status;
        private long remaining;
        private long bodyBytes;
        private boolean closeAfter;
        private Exchange exchange;
        private long sentNanos;

        Lane(Loop loop, int target, NetSocket socket) {
            this.loop = loop;
            this.target = target;
            this.socket = socket;
            // Netty's buffers as they arrive, without the heap copy NetSocket's handler would make of every
            // response body (most of the generator's allocation, and so of its GC pauses, at high rates)
            ((NetSocketInternal) socket).messageHandler(message -> {
                if (message instanceof ByteBuf data) {
                    try {
                        onData(data);
                    } finally {
                        data.release();
                    }
                } else {
                    ReferenceCountUtil.release(message);
                }
            });
            socket.closeHandler(v -> {
                fail(new IOException("connection closed by the server"));
                loop.replace(this);
            });
            socket.exceptionHandler(e -> fail(e));
        }

        void start(Exchange next) {
            exchange = next;
            headLength = 0;
            inBody = false;
            bodyBytes = 0;
            closeAfter = false;
            sentNanos = System.nanoTime();
            socket.write(next.request);
        }

        private void onData(ByteBuf data) {
            int pos = data.readerIndex();
            int length = data.writerIndex();
            while (pos < length) {
                if (exchange == null) {
                    protocolError("bytes from the server with no request in flight");
                    return;
                }
                if (!inBody) {
                    while (pos < length && !inBody) {
                        if (headLength == MAX_HEAD_BYTES) {
                            protocolError("response head longer than " + MAX_HEAD_BYTES + " bytes");
                            return;
                        }
                        head[headLength++] = data.getByte(pos++);
                        if (headLength >= 4
                                && head[headLength - 1] == '\n'
                                && head[headLength - 2] == '\r'
                                && head[headLength - 3] == '\n'
                                && head[headLength - 4] == '\r') {
                            String problem = parseHead();
                            if (problem != null) {
                                protocolError(problem);
                                return;
                            }
                            inBody = true;
                        }
                    }
                }
                if (inBody) {
                    int take = (int) Math.min(remaining, length - pos);
                    pos += take;
                    remaining -= take;
                    bodyBytes += take;
                    if (remaining == 0) {
                        if (pos < length) {
                            protocolError("more bytes than the response's Content-Length");
                            return;
                        }
                        complete();
                    }
                }
            }
        }

        /** Status, body length and connection handling from the head; a problem description or null. */
        private String parseHead() {
            // Views over the lane's head bytes (no copy): a response parsed into strings was most of the generator's
            // garbage.
            AsciiString text = new AsciiString(head, 0, headLength, false);
            if (headLength < 12 || !text.startsWith(HTTP_1)) {
                return "not an HTTP/1.x response";
            }
            try {
                status = text.parseInt(9, 12);
            } catch (NumberFormatException e) {
                return "bad status line";
            }
            long contentLength = -1;
            boolean chunked = false;
            // header lines: after the status line's CRLF, up to the CRLF that ends the head
            for (int at = text.indexOf(CRLF_TEXT, 0) + 2, end; at < headLength - 2; at = end + 2) {
                end = text.indexOf(CRLF_TEXT, at);
                int colon = text.indexOf(':', at);
                if (colon <= at || colon > end) {
                    continue;
                }
                AsciiString name = text.subSequence(at, colon, false).trim();
                AsciiString value = text.subSequence(colon + 1, end, false).trim();
                if (name.contentEqualsIgnoreCase(CONTENT_LENGTH)) {
                    try {
                        contentLength = value.parseLong();
                    } catch (NumberFormatException e) {
                        return "bad Content-Length '" + value + "'";
                    }
                } else if (name.contentEqualsIgnoreCase(TRANSFER_ENCODING)) {
                    chunked = AsciiString.containsIgnoreCase(value, CHUNKED);
                } else if (name.contentEqualsIgnoreCase(CONNECTION)) {
                    closeAfter = value.contentEqualsIgnoreCase(CLOSE);
                }
            }
            if (chunked) {
                return "chunked response (the HTTP/1.1 engine needs Content-Length; try --protocol h2)";
            }
            if (contentLength < 0) {
                if (status != 204 && status != 304) {
                    return "response without Content-Length";
                }
                contentLength = 0;
            }
            remaining = contentLength;
            return null;
        }

        private void complete() {
            long now = System.nanoTime();
            Exchange finished = exchange;
            exchange = null;
            finished.phase.bytesIn(bodyBytes);
            finished.phase.response(status, finished.intendedNanos, sentNanos, now);
            inFlight.decrementAndGet();
            if (closeAfter) {
                socket.close();
            } else {
                loop.free(this); // first, so that the driver's next request, sent on completion, finds it idle
            }
            finished.done.complete();
        }

        void fail(Throwable cause) {
            Exchange failed = exchange;
            if (failed != null) {
                exchange = null;
                failed.fail(cause);
            }
        }

        private void protocolError(String problem) {
            fail(new IOException("bad response from " + targets[target] + ": " + problem));
            socket.close();
        }
    }
}
