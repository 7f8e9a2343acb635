package io.strongroom.server.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.OpenSsl;
import io.strongroom.server.config.ClientAuthMode;
import io.strongroom.server.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS: HTTP/2 by ALPN, HTTP/1.1, TLS 1.1 refused, only forward-secret AEAD suites and Mozilla intermediate's
 * key-exchange groups, client certificates (requested and required).
 */
class TlsTest {
    @TempDir
    static Path dir;

    static TestCertificates.Issued ca;
    static TestCertificates.Issued server;
    static TestCertificates.Issued client;
    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        ca = TestCertificates.ca("strongroom test CA");
        server = TestCertificates.server(ca);
        client = TestCertificates.client(ca, "client-1");
        server.writePem(dir.resolve("server.pem"), dir.resolve("server.key"));
        java.nio.file.Files.writeString(dir.resolve("ca.pem"), TestCertificates.pem(ca.certificate()));
        Path data = dir.resolve("requested");
        TestTokens.write(data);
        gw = GatewayFixture.start(
                tlsConfig(data, ClientAuthMode.REQUEST),
                TestCertificates.clientContext(ca.certificate(), null),
                b -> {});
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    static GatewayConfig tlsConfig(Path data, ClientAuthMode clientAuth) {
        GatewayConfig config = GatewayFixture.config(data);
        config.tls()
                .setCertPath(dir.resolve("server.pem"))
                .setKeyPath(dir.resolve("server.key"))
                .setClientAuth(clientAuth)
                .setCaPath(dir.resolve("ca.pem"));
        return config;
    }

    /**
     * Mozilla intermediate's key-exchange groups only, probed with the openssl command-line client offering one group
     * at a time (TLS 1.3 key shares; the JDK 17 client cannot choose groups per connection).
     */
    @Test
    void onlyMozillaIntermediateGroupsAreNegotiated() throws Exception {
        for (String group : List.of("X25519", "P-256", "P-384")) {
            assertTrue(serverTempKey(group).isPresent(), group);
        }
        for (String group : List.of("P-521", "X448", "ffdhe2048")) {
            assertEquals(Optional.empty(), serverTempKey(group), group);
        }
    }

    /** The key exchange agreed in a TLS 1.3 handshake offering only {@code group}; empty when it failed. */
    private static Optional<String> serverTempKey(String group) throws Exception {
        String port = gw.gateway.baseUrl().substring(gw.gateway.baseUrl().lastIndexOf(':') + 1);
        Process p = new ProcessBuilder(
                        "openssl", "s_client", "-connect", "127.0.0.1:" + port, "-tls1_3", "-groups", group)
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl s_client ended");
        return out.lines()
                .filter(line -> line.startsWith("Server Temp Key: "))
                .map(line -> line.substring("Server Temp Key: ".length()))
                .findFirst();
    }

    @Test
    void http2ByAlpnCarriesTheBlockApi() throws Exception {
        assertTrue(gw.gateway.baseUrl().startsWith("https://127.0.0.1:"), gw.gateway.baseUrl());
        GatewayFixture.Response created = gw.json(
                "POST",
                "/v1/volumes",
                TestTokens.ADMIN,
                new JsonObject().put("name", "h2").put("sizeBytes", 8L * 8192));
        assertEquals(201, created.status(), new String(created.body()));
        assertEquals(HttpClient.Version.HTTP_2, created.version());
        byte[] run = BlockApiTest.random(3 * 8192, 21);
        GatewayFixture.Response written = gw.send("PUT", "/v1/volumes/h2/blocks/2?count=3", TestTokens.DATA_ALL, run);
        assertEquals(204, written.status(), new String(written.body()));
        GatewayFixture.Response read = gw.get("/v1/volumes/h2/blocks/2?count=3", TestTokens.DATA_ALL);
        assertEquals(HttpClient.Version.HTTP_2, read.version());
        assertArrayEquals(run, read.body());
        // HEAD over HTTP/2: the read's headers, its length, no DATA
        GatewayFixture.Response head = gw.send("HEAD", "/v1/volumes/h2/blocks/2?count=3", TestTokens.DATA_ALL, null);
        assertEquals(HttpClient.Version.HTTP_2, head.version());
        assertEquals(200, head.status());
        assertEquals(0, head.body().length);
        assertEquals(
                String.valueOf(run.length),
                head.headers().firstValue("content-length").orElseThrow());
        assertTrue(head.headers().firstValue("x-request-id").isPresent());
        GatewayFixture.Response bad = gw.send("PUT", "/v1/volumes/h2/blocks/0", TestTokens.DATA_ALL, new byte[10]);
        assertEquals("BadBodyLength", bad.errorCode());
        assertEquals(401, gw.get("/v1/volumes/h2/blocks/2", null).status());
    }

    @Test
    void concurrentStreamsOnOneHttp2Connection() throws Exception {
        assertEquals(
                201,
                gw.json(
                                "POST",
                                "/v1/volumes",
                                TestTokens.ADMIN,
                                new JsonObject().put("name", "streams").put("sizeBytes", 64L * 8192))
                        .status());
        List<CompletableFuture<GatewayFixture.Response>> writes = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            writes.add(gw.sendAsync(
                    "PUT", "/v1/volumes/streams/blocks/" + i, TestTokens.DATA_ALL, BlockApiTest.random(8192, 100 + i)));
        }
        for (CompletableFuture<GatewayFixture.Response> w : writes) {
            GatewayFixture.Response r = w.get(60, TimeUnit.SECONDS);
            assertEquals(204, r.status(), new String(r.body()));
            assertEquals(HttpClient.Version.HTTP_2, r.version());
        }
        List<CompletableFuture<GatewayFixture.Response>> reads = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            reads.add(gw.sendAsync("GET", "/v1/volumes/streams/blocks/" + i, TestTokens.DATA_ALL, null));
        }
        for (int i = 0; i < 64; i++) {
            assertArrayEquals(
                    BlockApiTest.random(8192, 100 + i),
                    reads.get(i).get(60, TimeUnit.SECONDS).body(),
                    "block " + i);
        }
    }

    @Test
    void tls12And13AreAcceptedAndTls11IsRefused() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            assertTrue(handshake(vertx, "TLSv1.3"));
            assertTrue(handshake(vertx, "TLSv1.2"));
            assertThrows(Exception.class, () -> handshake(vertx, "TLSv1.1"));
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void requiredClientCertificates() throws Exception {
        Path data = dir.resolve("required");
        TestTokens.write(data);
        try (GatewayFixture withCert = GatewayFixture.start(
                tlsConfig(data, ClientAuthMode.REQUIRE),
                TestCertificates.clientContext(ca.certificate(), client),
                b -> {})) {
            assertEquals(200, withCert.get("/health/live", null).status());
            HttpClient anonymous = HttpClient.newBuilder()
                    .sslContext(TestCertificates.clientContext(ca.certificate(), null))
                    .build();
            assertThrows(
                    IOException.class,
                    () -> anonymous.send(
                            java.net.http.HttpRequest.newBuilder(
                                            java.net.URI.create(withCert.gateway.baseUrl() + "/health/live"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding()));
        }
    }

    /**
     * TLS 1.2 with each suite alone: the forward-secret AEAD ones are accepted, CBC and static-RSA key exchange
     * (no forward secrecy) refused, though the client (BoringSSL) can offer every one of them.
     */
    @Test
    void onlyForwardSecretAeadSuitesAreOffered() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            for (String suite : List.of(
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")) {
                assertTrue(handshake(vertx, "TLSv1.2", suite), suite);
            }
            for (String suite : List.of(
                    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
                    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
                    "TLS_RSA_WITH_AES_128_GCM_SHA256",
                    "TLS_RSA_WITH_AES_256_GCM_SHA384",
                    "TLS_RSA_WITH_AES_128_CBC_SHA")) {
                assertTrue(OpenSsl.isCipherSuiteAvailable(suite), "the client can offer " + suite);
                assertThrows(Exception.class, () -> handshake(vertx, "TLSv1.2", suite), suite);
            }
        } finally {
            vertx.close().await(10, TimeUnit.SECONDS);
        }
    }

    /** A TLS handshake offering only {@code protocol}, through BoringSSL (which still speaks TLS 1.1 as a client). */
    private static boolean handshake(Vertx vertx, String protocol) throws Exception {
        return handshake(vertx, protocol, null);
    }

    /** The same, offering only {@code suite} when it is given. */
    private static boolean handshake(Vertx vertx, String protocol, String suite) throws Exception {
        NetClientOptions options = new NetClientOptions()
                .setSsl(true)
                .setTrustOptions(
                        new PemTrustOptions().addCertValue(Buffer.buffer(TestCertificates.pem(ca.certificate()))))
                .setHostnameVerificationAlgorithm("HTTPS")
                .setSslEngineOptions(new OpenSSLEngineOptions())
                .setEnabledSecureTransportProtocols(Set.of(protocol))
                .setConnectTimeout(5000);
        if (suite != null) {
            options.addEnabledCipherSuite(suite);
        }
        NetClient net = vertx.createNetClient(options);
        try {
            NetSocket socket = net.connect(gw.gateway.httpPort(), "127.0.0.1").await(10, TimeUnit.SECONDS);
            boolean ssl = socket.isSsl();
            socket.close().await(5, TimeUnit.SECONDS);
            return ssl;
        } finally {
            net.close().await(5, TimeUnit.SECONDS);
        }
    }
}
