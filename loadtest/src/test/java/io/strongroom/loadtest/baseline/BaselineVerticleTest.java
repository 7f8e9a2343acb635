package io.strongroom.loadtest.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strongroom.core.testkit.Await;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.Test;

class BaselineVerticleTest {

    @Test
    void parsesBlockNumbersAndCounts() {
        assertEquals(42, BaselineVerticle.parseBlock("/v1/volumes/a/blocks/42", 21));
        assertEquals(-1, BaselineVerticle.parseBlock("/v1/volumes/a/blocks/4x", 21));
        assertEquals(-1, BaselineVerticle.parseBlock("/v1/volumes/a/blocks/", 21));
        assertEquals(1, BaselineVerticle.parseCount(null));
        assertEquals(8, BaselineVerticle.parseCount("count=8"));
        assertEquals(3, BaselineVerticle.parseCount("x=1&count=3&y=2"));
        assertEquals(-1, BaselineVerticle.parseCount("count="));
        assertEquals(-1, BaselineVerticle.parseCount("count=99999"));
    }

    @Test
    void servesTheGatewayUrlShapeFromMemory() {
        Vertx serverVertx =
                Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
        // In full-suite runs (JIT-warm, after EmbeddedGatewayTest and ReportFilesTest) a request sometimes waited
        // forever
        // with every thread idle and its pooled connection already closed on the client side (Vert.x 5.0.7; the idle
        // timeout stops at the response head). So the client has one event loop (no request/connection loop mismatch)
        // and opens a connection per request (no reuse of a closing pooled connection).
        Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            BaselineServer server = Await.result(BaselineServer.start(serverVertx, "127.0.0.1", 0, 8192));
            HttpClient client = clientVertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
            int port = server.port();
            Buffer one = get(client, port, "/v1/volumes/a/blocks/7");
            assertEquals(8192, one.length());
            assertEquals(one, get(client, port, "/v1/volumes/b/blocks/23"), "16 distinct blocks, by block number");
            assertEquals(
                    4 * 8192,
                    get(client, port, "/v1/volumes/a/blocks/0?count=4").length());
            assertEquals(
                    204, send(client, port, HttpMethod.PUT, "/v1/volumes/a/blocks/1", Buffer.buffer(new byte[8192])));
            assertEquals(
                    400, send(client, port, HttpMethod.PUT, "/v1/volumes/a/blocks/1", Buffer.buffer(new byte[100])));
            assertEquals(400, send(client, port, HttpMethod.GET, "/v1/volumes/a/blocks/x", null));
            assertEquals(404, send(client, port, HttpMethod.GET, "/nope", null));
            assertEquals(405, send(client, port, HttpMethod.DELETE, "/v1/volumes/a/blocks/1", null));
        } finally {
            Await.result(clientVertx.close());
            Await.result(serverVertx.close());
        }
    }

    private static Buffer get(HttpClient client, int port, String uri) {
        return Await.result(client.request(options(HttpMethod.GET, port, uri))
                .compose(req -> req.send())
                .compose(HttpClientResponse::body));
    }

    private static int send(HttpClient client, int port, HttpMethod method, String uri, Buffer body) {
        return Await.result(client.request(options(method, port, uri))
                .compose(req -> body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(b -> resp.statusCode())));
    }

    /**
     * Bounded at every stage: the idle timeout only runs until the response head arrives, so the wait
     * for a pooled connection (connect timeout) is bounded too; the junit-platform.properties default
     * timeout catches anything else.
     */
    private static RequestOptions options(HttpMethod method, int port, String uri) {
        return new RequestOptions()
                .setMethod(method)
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI(uri)
                .setConnectTimeout(5000)
                .setIdleTimeout(5000);
    }
}
