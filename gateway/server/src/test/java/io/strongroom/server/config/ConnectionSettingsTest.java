package io.strongroom.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.strongroom.http.LimitsConfig;
import io.strongroom.server.ServerOptionsFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP connection limits: defaults, each source, one-line refusals, and the HTTP/2 SETTINGS they announce. */
class ConnectionSettingsTest {
    @TempDir
    Path dir;

    @Test
    void defaults() {
        LimitsConfig limits = ConfigLoader.load(new String[0], Map.of()).limits();
        assertEquals(10_000, limits.getMaxConnections());
        assertEquals(Duration.ofSeconds(10), limits.getHeaderReadTimeout());
        assertEquals(Duration.ofSeconds(60), limits.getIdleTimeout());
        assertEquals(Duration.ofSeconds(30), limits.getWriteStallTimeout());
        assertEquals(100, limits.getMaxStreamsPerConnection());
        assertEquals(64, limits.getMaxStorageSlotsPerConnection());
    }

    @Test
    void flagsEnvironmentAndFileSetThem() throws Exception {
        LimitsConfig flags = ConfigLoader.load(
                        new String[] {
                            "--max-connections", "500",
                            "--header-read-timeout", "3s",
                            "--idle-timeout", "2m",
                            "--write-stall-timeout", "15s",
                            "--max-streams-per-connection", "32",
                            "--max-storage-slots-per-connection", "16"
                        },
                        Map.of())
                .limits();
        assertEquals(500, flags.getMaxConnections());
        assertEquals(Duration.ofSeconds(3), flags.getHeaderReadTimeout());
        assertEquals(Duration.ofMinutes(2), flags.getIdleTimeout());
        assertEquals(Duration.ofSeconds(15), flags.getWriteStallTimeout());
        assertEquals(32, flags.getMaxStreamsPerConnection());
        assertEquals(16, flags.getMaxStorageSlotsPerConnection());

        LimitsConfig env = ConfigLoader.load(
                        new String[0],
                        Map.of(
                                "STRONGROOM_LIMITS_MAX_CONNECTIONS", "7",
                                "STRONGROOM_LIMITS_IDLE_TIMEOUT", "5s",
                                "STRONGROOM_LIMITS_MAX_STREAMS_PER_CONNECTION", "9"))
                .limits();
        assertEquals(7, env.getMaxConnections());
        assertEquals(Duration.ofSeconds(5), env.getIdleTimeout());
        assertEquals(9, env.getMaxStreamsPerConnection());

        Path file = dir.resolve("limits.yaml");
        Files.writeString(file, "limits:\n  writeStallTimeout: 4s\n  maxStorageSlotsPerConnection: 3\n");
        LimitsConfig fromFile = ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of())
                .limits();
        assertEquals(Duration.ofSeconds(4), fromFile.getWriteStallTimeout());
        assertEquals(3, fromFile.getMaxStorageSlotsPerConnection());
    }

    @Test
    void badValuesAreOneLineErrors() {
        assertEquals(
                "invalid setting limits.maxConnections: '0' (expected an integer 1..2147483647)",
                assertThrows(
                                ConfigException.class,
                                () -> ConfigLoader.load(new String[] {"--max-connections", "0"}, Map.of()))
                        .getMessage());
        GatewayConfig zero = new GatewayConfig();
        zero.limits().setIdleTimeout(Duration.ZERO);
        assertEquals(
                "invalid setting limits.idleTimeout: 'PT0S' (expected a positive duration)",
                assertThrows(ConfigException.class, zero::validate).getMessage());
    }

    @Test
    void http2AnnouncesTheStreamCap() {
        GatewayConfig config = new GatewayConfig();
        config.limits().setMaxStreamsPerConnection(42);
        assertEquals(
                42,
                ServerOptionsFactory.create(config, 0, null)
                        .getInitialSettings()
                        .getMaxConcurrentStreams());
    }
}
