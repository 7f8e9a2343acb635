package io.strongroom.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP server on one event loop. The gateway deploys one instance per event loop; Vert.x spreads the
 * connections of the shared listening socket over them. Each instance sweeps its own request and connection
 * timeouts.
 */
public final class HttpServerVerticle extends VerticleBase {
    private static final System.Logger LOG = System.getLogger(HttpServerVerticle.class.getName());
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
        long shortest = Math.min(
                api.requestTimeoutMillis(),
                TimeUnit.NANOSECONDS.toMillis(api.connectionLimits().shortestTimeoutNanos()));
        long tickMillis = Math.max(10, Math.min(1000, shortest / 20));
        sweepTimer = vertx.setPeriodic(tickMillis, id -> {
            long now = System.nanoTime();
            handler.timeouts.expire(now);
            handler.sweepConnections(now);
        });
        server = vertx.createHttpServer(options)
                .connectionHandler(handler::connected)
                .requestHandler(handler)
                .exceptionHandler(HttpServerVerticle::clientError);
        return server.listen();
    }

    /**
     * A connection failed outside any request: bytes that are not HTTP (garbage pipelined after a request, a bad
     * version), a reset, a TLS handshake that failed. The client's mistake or its network, not the gateway's: one
     * short debug line without a stack trace (Vert.x's default handler logs the whole Netty trace per connection at
     * trace level), its text cut short and stripped of control characters since it can echo what the client sent.
     */
    static void clientError(Throwable failure) {
        LOG.log(Level.DEBUG, () -> "connection closed: " + oneLine(failure));
    }

    static String oneLine(Throwable failure) {
        String text =
                failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
        String printable = text.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() <= 200 ? printable : printable.substring(0, 200) + "...";
    }

    /** Stops accepting, lets requests in progress finish within the grace period, then answers the rest 503. */
    @Override
    public Future<?> stop() {
        vertx.cancelTimer(sweepTimer);
        return server.shutdown(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS)
                .onComplete(ar -> handler.timeouts.expireAll());
    }
}
