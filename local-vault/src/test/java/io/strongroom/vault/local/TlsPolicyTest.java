package io.strongroom.vault.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * local-vault's TLS: forward-secret AEAD suites only (CBC refused, though the JDK client offers it), Mozilla
 * intermediate's key-exchange groups only, and a generated certificate that lives at most 366 days.
 */
class TlsPolicyTest {
    @TempDir
    Path dir;

    private Vertx vertx;
    private VaultTestKit kit;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        kit = VaultTestKit.start(vertx, VaultTestKit.defaults(dir));
    }

    @AfterEach
    void stop() {
        kit.close();
        VaultTestKit.await(vertx.close());
    }

    @Test
    void onlyForwardSecretAeadSuitesAreAccepted() throws Exception {
        SSLContext context = trusting(certificate());
        assertEquals(
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                handshake(context, "TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
        assertEquals("TLS_AES_128_GCM_SHA256", handshake(context, "TLSv1.3", "TLS_AES_128_GCM_SHA256"));
        for (String cbc : List.of("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384")) {
            assertTrue(
                    Arrays.asList(context.getSupportedSSLParameters().getCipherSuites())
                            .contains(cbc),
                    "the client can offer " + cbc);
            assertThrows(SSLException.class, () -> handshake(context, "TLSv1.2", cbc), cbc);
        }
    }

    @Test
    void aClientCannotRenegotiate() throws Exception {
        SSLContext context = trusting(certificate());
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", kit.vault.port())) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.startHandshake();
            socket.startHandshake(); // a renegotiation, which the server must refuse
            OutputStream out = socket.getOutputStream();
            assertThrows(IOException.class, () -> {
                out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (socket.getInputStream().read() < 0) {
                    throw new IOException("closed by the server");
                }
            });
        }
    }

    /**
     * Probed with the openssl command-line client, which can offer chosen key-exchange groups (the JDK 17 client cannot
     * choose them per connection). In TLS 1.2 the groups a client offers also bound the curves of an ECDSA
     * certificate it accepts, so there each group is offered beside P-256 and must not be the one agreed.
     */
    @Test
    void onlyMozillaIntermediateGroupsAreNegotiated() throws Exception {
        for (String group : List.of("X25519", "P-256", "P-384")) {
            assertTrue(serverTempKey("-tls1_3", group).isPresent(), "TLS 1.3 " + group);
        }
        for (String group : List.of("P-521", "X448", "ffdhe2048")) {
            assertEquals(Optional.empty(), serverTempKey("-tls1_3", group), "TLS 1.3 " + group);
            assertEquals(
                    Optional.of("ECDH, prime256v1, 256 bits"),
                    serverTempKey("-tls1_2", group + ":P-256"),
                    "TLS 1.2 " + group);
        }
    }

    /** The key exchange agreed ("Server Temp Key" of openssl s_client), empty when the handshake failed. */
    private Optional<String> serverTempKey(String protocol, String groups) throws Exception {
        Process p = new ProcessBuilder(
                        "openssl", "s_client", "-connect", "127.0.0.1:" + kit.vault.port(), protocol, "-groups", groups)
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "openssl s_client ended");
        return out.lines()
                .filter(line -> line.startsWith("Server Temp Key: "))
                .map(line -> line.substring("Server Temp Key: ".length()))
                .findFirst();
    }

    @Test
    void theGeneratedCertificateLivesAtMost366Days() throws Exception {
        X509Certificate certificate = certificate();
        Duration lifetime = Duration.between(
                certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant());
        assertTrue(lifetime.compareTo(Duration.ofDays(366).plusHours(1)) <= 0, "lifetime " + lifetime);
    }

    private X509Certificate certificate() throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(
                        new ByteArrayInputStream(kit.vault.certificatePem().getBytes(StandardCharsets.US_ASCII)));
    }

    private static SSLContext trusting(X509Certificate certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("vault", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** A handshake offering only {@code protocol} and {@code suite}; the suite agreed. */
    private String handshake(SSLContext context, String protocol, String suite) throws Exception {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", kit.vault.port())) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {protocol});
            socket.setEnabledCipherSuites(new String[] {suite});
            socket.startHandshake();
            return socket.getSession().getCipherSuite();
        }
    }
}
