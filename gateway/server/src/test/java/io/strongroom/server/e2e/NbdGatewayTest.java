package io.strongroom.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.server.config.ClientAuthMode;
import io.strongroom.server.config.GatewayConfig;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * NBD composed into a real gateway: volumes created over HTTP are exports for the real {@code nbdinfo} on the NBD
 * port and the Unix socket, the NBD metrics are on {@code GET /metrics}, and off loopback the gateway's certificate
 * and a client certificate whose CN names a token decide what is served (nbds://).
 */
@Timeout(300)
class NbdGatewayTest {
    @TempDir
    Path dir;

    @Test
    void volumesCreatedOverHttpAreNbdExportsOnTcpAndTheSocket() throws Exception {
        Path data = dir.resolve("plain");
        TestTokens.write(data);
        Path socket = dir.resolve("nbd.sock");
        GatewayConfig config = GatewayFixture.config(data).setNbdPort(0).setNbdSocket(socket);
        try (GatewayFixture gw = GatewayFixture.start(config, null, b -> {})) {
            createVolume(gw, "pg", 64L * 1024 * 1024);
            assertTrue(gw.gateway.nbdPort() > 0);
            assertEquals(socket, gw.gateway.nbdSocket());

            JsonObject tcp = nbdinfo("nbd://127.0.0.1:" + gw.gateway.nbdPort() + "/pg");
            JsonObject pg = tcp.getJsonArray("exports").getJsonObject(0);
            assertEquals(64L * 1024 * 1024, pg.getLong("export-size"));
            assertEquals(512, pg.getInteger("block_size_minimum"));
            assertEquals(8192, pg.getInteger("block_size_preferred"));
            assertEquals(GatewayConfig.DEFAULT_NBD_MAX_REQUEST_BYTES, pg.getInteger("block_size_maximum"));
            JsonObject unix = nbdinfo("nbd+unix:///pg?socket=" + socket);
            assertEquals(
                    64L * 1024 * 1024,
                    unix.getJsonArray("exports").getJsonObject(0).getLong("export-size"));

            String metrics = new String(gw.get("/metrics", TestTokens.ADMIN).body(), StandardCharsets.UTF_8);
            assertTrue(metrics.contains("strongroom_nbd_connections_open"), metrics);
        }
        assertFalse(Files.exists(socket), "the socket file is removed on close");
    }

    @Test
    void offLoopbackNbdNeedsStartTlsAndAClientCertificateNamingAToken() throws Exception {
        TestCertificates.Issued ca = TestCertificates.ca("nbd gateway CA");
        TestCertificates.Issued server = TestCertificates.server(ca);
        server.writePem(dir.resolve("server.pem"), dir.resolve("server.key"));
        Files.writeString(dir.resolve("ca.pem"), TestCertificates.pem(ca.certificate()));
        Path data = dir.resolve("tls");
        TestTokens.write(data);
        GatewayConfig config = GatewayFixture.config(data).setNbdPort(0).setNbdHost("0.0.0.0");
        config.tls()
                .setCertPath(dir.resolve("server.pem"))
                .setKeyPath(dir.resolve("server.key"))
                .setClientAuth(ClientAuthMode.NONE)
                .setCaPath(dir.resolve("ca.pem"));
        try (GatewayFixture gw =
                GatewayFixture.start(config, TestCertificates.clientContext(ca.certificate(), null), b -> {})) {
            createVolume(gw, "a", 1024L * 1024);
            createVolume(gw, "b", 1024L * 1024);
            Path certs = Files.createDirectories(dir.resolve("client-certs"));
            Files.writeString(certs.resolve("ca-cert.pem"), TestCertificates.pem(ca.certificate()));
            TestCertificates.client(ca, "data-a")
                    .writePem(certs.resolve("client-cert.pem"), certs.resolve("client-key.pem"));
            String port = String.valueOf(gw.gateway.nbdPort());

            JsonObject listed = nbdinfo("--list", "nbds://127.0.0.1:" + port + "/?tls-certificates=" + certs);
            List<String> names = new ArrayList<>();
            listed.getJsonArray("exports").forEach(e -> names.add(((JsonObject) e).getString("export-name")));
            assertEquals(List.of("a"), names, "the token data-a is granted volume a only");
            assertEquals(Boolean.TRUE, listed.getBoolean("TLS"));

            assertNotEquals(0, exitCode("nbdinfo", "nbd://127.0.0.1:" + port + "/a"), "plain NBD is refused");
        }
    }

    private static void createVolume(GatewayFixture gw, String name, long size) throws Exception {
        GatewayFixture.Response created = gw.json(
                "POST",
                "/v1/volumes",
                TestTokens.ADMIN,
                new JsonObject().put("name", name).put("sizeBytes", size));
        assertEquals(201, created.status(), () -> new String(created.body(), StandardCharsets.UTF_8));
    }

    private JsonObject nbdinfo(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("nbdinfo", "--json"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "nbdinfo", ".json");
        Path err = Files.createTempFile(dir, "nbdinfo", ".err");
        assertEquals(0, run(command, out, err), () -> command + ": " + read(err));
        return new JsonObject(read(out));
    }

    private int exitCode(String... command) throws Exception {
        Path out = Files.createTempFile(dir, "nbdinfo", ".out");
        return run(List.of(command), out, out);
    }

    /** Runs a command with its output in a file (never a pipe: a hung tool must not block on it). */
    private static int run(List<String> command, Path out, Path err) throws Exception {
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()))
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish");
        }
        return p.exitValue();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
