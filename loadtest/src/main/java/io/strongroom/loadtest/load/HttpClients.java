package io.strongroom.loadtest.load;

import io.strongroom.loadtest.cli.LoadTestOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.List;

/** Builds the load generator's own Vert.x instance and its HTTP client from the options. */
public final class HttpClients {

    private HttpClients() {}

    /** A Vert.x instance for the client only: its own event loops, epoll when available. */
    public static Vertx clientVertx(int eventLoops) {
        return Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setPreferNativeTransport(true));
    }

    /**
     * One pool sized to the connection count per target; keep-alive on, pipelining off (one request per
     * HTTP/1.1 connection at a time, like a real client), no decompression, waiters queue without bound
     * (the open model must never drop a scheduled request).
     */
    public static HttpClientAgent create(Vertx vertx, LoadTestOptions o) {
        HttpClientOptions http = new HttpClientOptions()
                .setKeepAlive(true)
                .setPipelining(false)
                .setDecompressionSupported(false)
                .setTcpNoDelay(true)
                .setVerifyHost(o.verifyHost());
        if (o.protocol() == LoadTestOptions.Protocol.HTTP2) {
            http.setProtocolVersion(HttpVersion.HTTP_2)
                    .setHttp2MultiplexingLimit(o.streamsPerConnection())
                    .setHttp2ClearTextUpgrade(false);
            boolean tls = o.targets().stream().anyMatch(t -> t.startsWith("https://"));
            if (tls) {
                http.setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
            }
        }
        if (o.trustPem() != null) {
            http.setTrustOptions(new PemTrustOptions().addCertPath(o.trustPem().toString()));
        }
        PoolOptions pool = new PoolOptions()
                .setHttp1MaxSize(o.connections())
                .setHttp2MaxSize(o.connections())
                .setMaxWaitQueueSize(-1);
        return vertx.createHttpClient(http, pool);
    }
}
