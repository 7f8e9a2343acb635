package io.strongroom.loadtest.baseline;

import io.strongroom.loadtest.load.PrebuiltBuffers;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * One event loop's share of the {@link BaselineServer}. Every response body is a prebuilt direct
 * buffer ({@link PrebuiltBuffers}: Netty writes it without copying); every header value is a prebuilt
 * {@link HttpHeaders#createOptimized} sequence; nothing is parsed beyond the block number and count.
 */
final class BaselineVerticle extends VerticleBase {

    /** Distinct block contents served round-robin by block number. */
    private static final int DISTINCT_BLOCKS = 16;
    /** Largest ?count= served (the gateway's own limit is configurable; 256 blocks = 2 MiB at 8 KiB). */
    static final int MAX_COUNT = 256;

    private static final String PREFIX = "/v1/volumes/";
    private static final String BLOCKS = "/blocks/";
    private static final CharSequence OCTET_STREAM = HttpHeaders.createOptimized("application/octet-stream");
    private static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
    private static final Handler<Buffer> DISCARD = b -> {};

    private final String host;
    private final int port;
    private final int blockSize;
    private final IntConsumer boundPort;
    private final Buffer[] blocks = new Buffer[DISTINCT_BLOCKS];
    private final Buffer[] runs = new Buffer[MAX_COUNT + 1];
    private final CharSequence[] lengths = new CharSequence[MAX_COUNT + 1];

    BaselineVerticle(String host, int port, int blockSize, IntConsumer boundPort) {
        this.host = host;
        this.port = port;
        this.blockSize = blockSize;
        this.boundPort = boundPort;
        SplittableRandom rnd = new SplittableRandom(42);
        byte[] data = new byte[blockSize];
        for (int i = 0; i < DISTINCT_BLOCKS; i++) {
            rnd.nextBytes(data);
            blocks[i] = PrebuiltBuffers.direct(data);
        }
    }

    @Override
    public Future<?> start() {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(host)
                .setPort(port)
                .setCompressionSupported(false)
                .setDecompressionSupported(false)
                .setTcpNoDelay(true)
                .setStrictThreadMode(true);
        return vertx.createHttpServer(options)
                .requestHandler(this::handle)
                .listen()
                .onSuccess(server -> boundPort.accept(server.actualPort()));
    }

    private void handle(HttpServerRequest req) {
        String path = req.path();
        int at = path.indexOf(BLOCKS);
        if (!path.startsWith(PREFIX) || at < 0) {
            other(req, path);
            return;
        }
        long block = parseBlock(path, at + BLOCKS.length());
        int count = parseCount(req.query());
        if (block < 0 || count < 1 || count > MAX_COUNT) {
            error(req.response(), 400, "InvalidAddress", "bad block number or count");
            return;
        }
        HttpMethod method = req.method();
        if (method == HttpMethod.GET) {
            req.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, OCTET_STREAM)
                    .putHeader(HttpHeaders.CONTENT_LENGTH, length(count))
                    .end(count == 1 ? blocks[(int) (block % DISTINCT_BLOCKS)] : run(count));
        } else if (method == HttpMethod.PUT) {
            String contentLength = req.getHeader(HttpHeaders.CONTENT_LENGTH);
            if (contentLength == null || !contentLength.contentEquals(length(count))) {
                error(req.response(), 400, "BadBodyLength", "body must be count x block size bytes");
                return;
            }
            req.handler(DISCARD);
            req.end().onComplete(ar -> req.response().setStatusCode(204).end());
        } else {
            error(req.response(), 405, "MethodNotAllowed", "GET or PUT");
        }
    }

    /** Health and volume creation answer like the gateway so the load tool can run unchanged. */
    private void other(HttpServerRequest req, String path) {
        if (path.equals("/health/live")) {
            req.response().end("ok");
        } else if (path.equals("/v1/volumes") && req.method() == HttpMethod.POST) {
            req.handler(DISCARD);
            req.end()
                    .onComplete(ar -> req.response()
                            .setStatusCode(201)
                            .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                            .end("{}"));
        } else {
            error(req.response(), 404, "RouteNotFound", "no such route");
        }
    }

    private Buffer run(int count) {
        Buffer r = runs[count];
        if (r == null) {
            Buffer b = Buffer.buffer(count * blockSize);
            for (int i = 0; i < count; i++) {
                b.appendBuffer(blocks[i % DISTINCT_BLOCKS]);
            }
            r = PrebuiltBuffers.direct(b.getBytes());
            runs[count] = r;
        }
        return r;
    }

    private CharSequence length(int count) {
        CharSequence l = lengths[count];
        if (l == null) {
            l = HttpHeaders.createOptimized(Integer.toString(count * blockSize));
            lengths[count] = l;
        }
        return l;
    }

    static long parseBlock(String path, int from) {
        if (from >= path.length() || path.length() - from > 18) {
            return -1;
        }
        long n = 0;
        for (int i = from; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    static int parseCount(String query) {
        if (query == null) {
            return 1;
        }
        int at = query.indexOf("count=");
        if (at < 0) {
            return 1;
        }
        int n = 0;
        int i = at + 6;
        for (; i < query.length() && query.charAt(i) != '&'; i++) {
            char c = query.charAt(i);
            if (c < '0' || c > '9' || n > MAX_COUNT) {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return i == at + 6 ? -1 : n;
    }

    private static void error(HttpServerResponse resp, int status, String code, String message) {
        resp.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
                .end("{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}");
    }
}
