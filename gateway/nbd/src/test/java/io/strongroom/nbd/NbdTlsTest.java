package io.strongroom.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.auth.Principal;
import io.strongroom.core.auth.Role;
import io.strongroom.core.testkit.Await;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * NBD over TLS: on a TCP listener with TLS every option but STARTTLS and ABORT is refused with NBD_REP_ERR_TLS_REQD
 * until the upgrade; the client certificate is required and must chain to the configured CA; its subject CN names
 * the principal whose grants decide which volumes are listed and opened. The Unix socket of the same server needs
 * no TLS. The real {@code nbdinfo} connects with {@code nbds://} and a GnuTLS certificate directory.
 */
@Timeout(300)
class NbdTlsTest {
    private static final int BS = 8192;

    @TempDir
    static Path dir;

    private static NbdFixture fixture;
    private static NbdServer server;
    private static TlsMaterial.Issued ca;
    private static TlsMaterial.Issued writer;
    private static TlsMaterial.Issued stranger;
    private static TlsMaterial.Issued rogue;
    private static TlsMaterial.Issued rogueCa;

    @BeforeAll
    static void start() throws Exception {
        fixture = NbdFixture.start(dir, Duration.ofMinutes(10));
        for (String v : List.of("a", "b", "c")) {
            fixture.createVolume(v, 64L * BS);
        }
        ca = TlsMaterial.ca("nbd-test-ca");
        TlsMaterial.Issued serverCert = TlsMaterial.server(ca);
        writer = TlsMaterial.client(ca, "writer");
        stranger = TlsMaterial.client(ca, "stranger");
        rogueCa = TlsMaterial.ca("rogue-ca");
        rogue = TlsMaterial.client(rogueCa, "writer");
        Map<String, Principal> principals =
                Map.of("writer", new Principal("writer", Set.of(Role.DATA), Set.of("a", "b")));
        server = fixture.serve(new NbdOptions()
                .setPort(0)
                .setSocketPath(dir.resolve("tls-server.sock"))
                .setTls(new ServerSSLOptions()
                        .setKeyCertOptions(new PemKeyCertOptions()
                                .setCertValue(Buffer.buffer(serverCert.certificatePem()))
                                .setKeyValue(Buffer.buffer(serverCert.privateKeyPem())))
                        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(ca.certificatePem()))))
                .setSslEngine(new OpenSSLEngineOptions())
                .setPrincipals(principals::get));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            Await.result(server.close());
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private static NbdTestClient client() throws IOException {
        NbdTestClient c = NbdTestClient.tcp(server.port());
        c.clientFlags(NbdTestClient.FLAGS_FIXED_AND_NO_ZEROES);
        return c;
    }

    @Test
    void everyOptionButStartTlsAndAbortNeedsTls() throws IOException {
        try (NbdTestClient c = client()) {
            c.option(NbdProtocol.OPT_LIST, new byte[0]);
            assertEquals(NbdProtocol.REP_ERR_TLS_REQD, c.optionReply().type());
            for (int option : new int[] {NbdProtocol.OPT_INFO, NbdProtocol.OPT_GO}) {
                c.option(option, NbdTestClient.infoRequest("a"));
                assertEquals(NbdProtocol.REP_ERR_TLS_REQD, c.optionReply().type());
            }
            c.option(4242, new byte[0]);
            assertEquals(NbdProtocol.REP_ERR_TLS_REQD, c.optionReply().type());
            c.option(NbdProtocol.OPT_ABORT, new byte[0]);
            assertEquals(NbdProtocol.REP_ACK, c.optionReply().type());
            assertTrue(c.closedByServer());
        }
        try (NbdTestClient c = client()) {
            c.option(NbdProtocol.OPT_EXPORT_NAME, "a".getBytes(StandardCharsets.UTF_8));
            assertTrue(c.closedByServer(), "NBD_OPT_EXPORT_NAME cannot be refused: the session ends");
        }
    }

    @Test
    void theCertificatesPrincipalDecidesWhatIsListedAndOpened() throws Exception {
        try (NbdTestClient c = client()) {
            assertEquals(
                    NbdProtocol.REP_ACK,
                    c.startTls(TlsMaterial.clientContext(ca, writer)).type());
            assertEquals(List.of("a", "b"), c.list().stream().sorted().toList());
            c.option(NbdProtocol.OPT_INFO, NbdTestClient.infoRequest("c"));
            assertEquals(NbdProtocol.REP_ERR_UNKNOWN, c.optionReply().type(), "c is not granted to writer");
            c.option(NbdProtocol.OPT_STARTTLS, new byte[0]);
            assertEquals(NbdProtocol.REP_ERR_INVALID, c.optionReply().type(), "TLS is on already");
            c.go("b");
            byte[] block = new byte[BS];
            block[7] = 42;
            c.write(BS, block);
            assertArrayEquals(block, c.read(BS, BS));
        }
        try (NbdTestClient c = client()) {
            c.startTls(TlsMaterial.clientContext(ca, stranger));
            assertEquals(List.of(), c.list(), "a CN that names no token sees no volume");
            c.option(NbdProtocol.OPT_GO, NbdTestClient.infoRequest("a"));
            assertEquals(NbdProtocol.REP_ERR_UNKNOWN, c.optionReply().type());
        }
    }

    @Test
    void aClientWithoutACertificateFromTheCaIsRefused() throws Exception {
        for (SSLContext tls : List.of(TlsMaterial.clientContext(ca, null), TlsMaterial.clientContext(ca, rogue))) {
            try (NbdTestClient c = client()) {
                assertThrows(IOException.class, () -> {
                    c.startTls(tls);
                    c.list(); // with TLS 1.3 the server's refusal of the certificate arrives after the handshake
                });
            }
        }
    }

    @Test
    void theUnixSocketOfTheSameServerNeedsNoTls() throws IOException {
        try (NbdTestClient c = NbdTestClient.unix(server.socketPath())) {
            c.clientFlags(NbdTestClient.FLAGS_FIXED_AND_NO_ZEROES);
            assertTrue(c.list().containsAll(List.of("a", "b", "c")));
        }
    }

    @Test
    void nbdinfoConnectsWithNbdsAndAClientCertificate() throws Exception {
        Path certs = Files.createDirectories(dir.resolve("nbdinfo-certs"));
        Files.writeString(certs.resolve("ca-cert.pem"), ca.certificatePem());
        writer.writeTo(certs, "client");
        JsonObject info = Nbdinfo.run(dir, "nbds://127.0.0.1:" + server.port() + "/a?tls-certificates=" + certs);
        JsonObject a = info.getJsonArray("exports").getJsonObject(0);
        assertEquals(64L * BS, a.getLong("export-size"));
        assertEquals(BS, a.getInteger("block_size_preferred"));
        assertEquals(Boolean.TRUE, info.getBoolean("TLS"), info::encode);
    }
}
