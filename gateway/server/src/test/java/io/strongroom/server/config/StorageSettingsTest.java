package io.strongroom.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storage settings: the backend by name from every source, an unknown one refused naming the known ones. */
class StorageSettingsTest {

    @TempDir
    Path dir;

    @Test
    void theBackendIsLocalByDefaultAndCanBeNamedFromEverySource() throws Exception {
        assertEquals("local", ConfigLoader.load(new String[0], Map.of()).getStorageBackend());
        assertEquals(
                "local",
                ConfigLoader.load(new String[] {"--storage-backend", "local"}, Map.of())
                        .getStorageBackend());
        assertEquals(
                "local",
                ConfigLoader.load(new String[0], Map.of("STRONGROOM_STORAGE_BACKEND", " local "))
                        .getStorageBackend());
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, "storage:\n  backend: local\ncacheBytes: 0\n");
        GatewayConfig c = ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of());
        assertEquals("local", c.getStorageBackend());
        assertEquals(0, c.getCacheBytes());
    }

    @Test
    void anUnknownBackendIsRefusedWithTheKnownNames() {
        ConfigException flag = assertThrows(
                ConfigException.class, () -> ConfigLoader.load(new String[] {"--storage-backend", "ceph"}, Map.of()));
        assertEquals("invalid setting storage.backend: 'ceph' (expected one of local)", flag.getMessage());
        ConfigException set = assertThrows(
                ConfigException.class,
                () -> new GatewayConfig().setStorageBackend("s3").validate());
        assertEquals("invalid setting storage.backend: 's3' (expected one of local)", set.getMessage());
    }

    @Test
    void theHelpTextListsTheSettingAndTheKnownBackends() {
        String help = ConfigLoader.help();
        assertTrue(help.contains("--storage-backend"), help);
        assertTrue(help.contains("STRONGROOM_STORAGE_BACKEND"), help);
        assertTrue(help.contains("where volumes are stored: local"), help);
    }
}
