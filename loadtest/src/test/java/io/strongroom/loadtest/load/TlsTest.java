package io.strongroom.loadtest.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.strongroom.loadtest.cli.LoadTestOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both engines over TLS, trusting the server's self-signed certificate from a PEM file: h2 negotiated by ALPN
 * (Vert.x's client) and HTTP/1.1 (the wrk-like engine).
 */
class TlsTest {

    private Vertx vertx;
    private HttpServer server;
    private SelfSignedCertificate certificate;
    private final Set<HttpVersion> versionsSeen = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void startTlsServer() {
        vertx = Vertx.vertx();
        certificate = SelfSignedCertificate.create("localhost");
        HttpServerOptions options = new HttpServerOptions()
                .setSsl(true)
                .setUseAlpn(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(certificate.certificatePath())
                        .setKeyPath(certificate.privateKeyPath()));
        byte[] block = new byte[8192];
        server = Await.result(vertx.createHttpServer(options)
                .requestHandler(req -> {
                    versionsSeen.add(req.version());
                    if (req.method() == HttpMethod.PUT) {
                        req.body()
                                .onSuccess(b -> req.response()
                                        .setStatusCode(b.length() == 8192 ? 204 : 400)
                                        .end());
                    } else {
                        req.response().end(io.vertx.core.buffer.Buffer.buffer(block));
                    }
                })
                .listen(0, "127.0.0.1"));
    }

    @AfterEach
    void stop() {
        certificate.delete();
        Await.result(vertx.close());
    }

    @Test
    void h2OverTlsWithTrustedPem(@TempDir Path out) throws Exception {
        assertGetsAndPutsOverTls(out, LoadTestOptions.Protocol.HTTP2, HttpVersion.HTTP_2);
    }

    @Test
    void http1OverTlsWithTrustedPem(@TempDir Path out) throws Exception {
        assertGetsAndPutsOverTls(out, LoadTestOptions.Protocol.HTTP1, HttpVersion.HTTP_1_1);
    }

    /** A mixed run over TLS, trusting the server's PEM: no errors, both methods answered, all on {@code expected}. */
    private void assertGetsAndPutsOverTls(Path out, LoadTestOptions.Protocol protocol, HttpVersion expected)
            throws Exception {
        LoadTestOptions o = new LoadTestOptions()
                .targets(List.of("https://127.0.0.1:" + server.actualPort()))
                .protocol(protocol)
                .trustPem(Path.of(certificate.certificatePath()))
                .verifyHost(false) // the certificate names localhost; the test connects to 127.0.0.1
                .connections(2)
                .streamsPerConnection(
                        protocol == LoadTestOptions.Protocol.HTTP2 ? 4 : LoadTestOptions.DEFAULT_STREAMS_PER_CONNECTION)
                .readRatio(0.5)
                .rate(300)
                .warmup(Duration.ZERO)
                .duration(Duration.ofSeconds(1))
                .out(out)
                .quiet(true);
        RunResult r = new LoadRun(o, line -> {}).run();

        assertEquals(0, r.errors(), "errors: " + r.countsByStatus());
        assertTrue(
                r.countsByStatus().get("200") > 0 && r.countsByStatus().get("204") > 0,
                "GET and PUT: " + r.countsByStatus());
        assertEquals(Set.of(expected), versionsSeen, "every request arrived over " + expected);
    }

    @Test
    void withoutTrustTheHandshakeFailsAndIsCountedAsAnError(@TempDir Path out) throws Exception {
        LoadTestOptions o = new LoadTestOptions()
                .targets(List.of("https://127.0.0.1:" + server.actualPort()))
                .protocol(LoadTestOptions.Protocol.HTTP2)
                .connections(1)
                .rate(50)
                .warmup(Duration.ZERO)
                .duration(Duration.ofMillis(500))
                .out(out)
                .quiet(true);
        RunResult r = new LoadRun(o, line -> {}).run();

        assertEquals(0, r.windowCount(), "no response without a trusted certificate");
        assertTrue(r.countsByStatus().get("io-error") > 0, "failures are counted: " + r.countsByStatus());
        assertTrue(versionsSeen.isEmpty());
    }
}
