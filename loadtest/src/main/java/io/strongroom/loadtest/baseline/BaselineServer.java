package io.strongroom.loadtest.baseline;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The framework's ceiling: plain Vert.x serving 8 KiB blocks from memory on the gateway's URL shape
 * ({@code GET/PUT /v1/volumes/{name}/blocks/{n}[?count=k]}), with no crypto, no storage, no auth,
 * on one event loop. The fast recipe from
 * PERF-NOTES (epoll, prebuilt buffers, optimized headers, strict thread mode, compression off, the
 * {@code -Dvertx.disable*} switches set by {@code Main}) is applied so this measures Vert.x, not
 * the way it is used.
 */
public final class BaselineServer {

    private final Vertx vertx;
    private final int port;

    private BaselineServer(Vertx vertx, int port) {
        this.vertx = vertx;
        this.port = port;
    }

    /**
     * Listens on host:port (0 = ephemeral) with one verticle on one event loop: the per-core ceiling
     * the gateway (pinned to one core in bench/run.sh) is compared with. One instance only, because
     * strict thread mode with several servers sharing a port hung requests in our tests.
     */
    public static Future<BaselineServer> start(Vertx vertx, String host, int port, int blockSize) {
        AtomicInteger bound = new AtomicInteger(port);
        return vertx.deployVerticle(new BaselineVerticle(host, port, blockSize, bound::set))
                .map(id -> new BaselineServer(vertx, bound.get()));
    }

    public int port() {
        return port;
    }

    /** Closes the Vert.x instance it runs on. */
    public Future<Void> close() {
        return vertx.close();
    }
}
