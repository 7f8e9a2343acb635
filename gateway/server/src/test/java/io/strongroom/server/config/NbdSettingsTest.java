package io.strongroom.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The nbd.* settings: off by default, each source, and the one-line refusal of NBD off loopback without TLS. */
class NbdSettingsTest {
    @TempDir
    Path dir;

    private static String error(Map<String, String> env, String... args) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.load(args, env))
                .getMessage();
    }

    @Test
    void nbdIsOffByDefault() {
        GatewayConfig c = ConfigLoader.load(new String[0], Map.of());
        assertFalse(c.nbdEnabled());
        assertNull(c.getNbdPort());
        assertNull(c.getNbdSocket());
        assertEquals("127.0.0.1", c.getNbdHost());
        assertEquals(32 * 1024 * 1024, c.getNbdMaxRequestBytes());
    }

    @Test
    void flagsEnvironmentAndFileSetIt() throws Exception {
        GatewayConfig flags = ConfigLoader.load(
                new String[] {
                    "--nbd-port", "10809", "--nbd-socket", "/run/sr/nbd.sock", "--nbd-max-request-bytes", "2097152"
                },
                Map.of());
        assertTrue(flags.nbdEnabled());
        assertEquals(10809, flags.getNbdPort());
        assertEquals(Path.of("/run/sr/nbd.sock"), flags.getNbdSocket());
        assertEquals(2 * 1024 * 1024, flags.getNbdMaxRequestBytes());
        assertFalse(flags.nbdNeedsTls());

        GatewayConfig env = ConfigLoader.load(new String[0], Map.of("STRONGROOM_NBD_PORT", "0"));
        assertEquals(0, env.getNbdPort());

        Path file = dir.resolve("nbd.yaml");
        Files.writeString(file, "nbd:\n  socket: /tmp/x.sock\n  maxRequestBytes: 1048576\n");
        GatewayConfig fromFile = ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of());
        assertEquals(Path.of("/tmp/x.sock"), fromFile.getNbdSocket());
        assertNull(fromFile.getNbdPort());
        assertTrue(fromFile.nbdEnabled());
    }

    @Test
    void badValuesAreOneLineErrors() {
        assertEquals(
                "invalid setting nbd.port: '70000' (expected an integer 0..65535)",
                error(Map.of(), "--nbd-port", "70000"));
        assertTrue(error(Map.of(), "--nbd-port", "1", "--nbd-max-request-bytes", "4096")
                .startsWith("invalid setting nbd.maxRequestBytes: '4096'"));
    }

    @Test
    void nbdOffLoopbackWithoutTlsIsRefusedInOneLine() {
        String message = error(Map.of(), "--nbd-port", "10809", "--nbd-host", "0.0.0.0");
        assertTrue(
                message.startsWith("invalid setting nbd.host: '0.0.0.0' (expected a loopback address, or tls.cert,"),
                message);
        assertFalse(message.contains("\n"));
        // the socket alone never needs TLS, whatever nbd.host says
        assertFalse(ConfigLoader.load(new String[] {"--nbd-socket", "/tmp/s", "--nbd-host", "0.0.0.0"}, Map.of())
                .nbdNeedsTls());
        assertTrue(new GatewayConfig().setNbdPort(1).setNbdHost("10.1.2.3").nbdNeedsTls());
        assertFalse(new GatewayConfig().setNbdPort(1).setNbdHost("::1").nbdNeedsTls());
    }
}
