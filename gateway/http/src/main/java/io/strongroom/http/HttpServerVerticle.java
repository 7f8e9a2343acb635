package io.strongroom.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server on one event loop. The gateway deploys one instance per event loop; Vert.x spreads the
 * connections of the shared listening socket over them. Each instance sweeps its own request timeouts.
 */
public final class HttpServerVerticle extends VerticleBase {
    private final HttpApi api;
    private final HttpServerOptions options;
    private final Duration shutdownGrace;
    private HttpServer server;
    private ApiHandler handler;
    private long sweepTimer;

    /** @param shutdownGrace how long undeploying waits for requests in progress before closing connections */
    public HttpServerVerticle(HttpApi api, HttpServerOptions options, Duration shutdownGrace) {
        this.api = api;
        this.options = options;
        this.shutdownGrace = shutdownGrace;
    }

    @Override
    public Future<?> start() {
        handler = new ApiHandler(api, context, Thread.currentThread());
        long tickMillis = Math.max(10, Math.min(1000, api.requestTimeoutMillis() / 20));
        sweepTimer = vertx.setPeriodic(tickMillis, id -> handler.timeouts.expire(System.nanoTime()));
        server = vertx.createHttpServer(options).requestHandler(handler);
        return server.listen();
    }

    /** Stops accepting, lets requests in progress finish within the grace period, then answers the rest 503. */
    @Override
    public Future<?> stop() {
        vertx.cancelTimer(sweepTimer);
        return server.shutdown(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)
                .onComplete(ar -> handler.timeouts.expireAll());
    }
}
