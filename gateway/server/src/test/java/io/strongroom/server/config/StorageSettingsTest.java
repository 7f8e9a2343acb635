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
                ConfigException.class, () -> ConfigLoader.load(new String[] {"--storage-backend", "s3"}, Map.of()));
        assertEquals("invalid setting storage.backend: 's3' (expected one of ceph, local)", flag.getMessage());
        ConfigException set = assertThrows(
                ConfigException.class,
                () -> new GatewayConfig().setStorageBackend("s3").validate());
        assertEquals("invalid setting storage.backend: 's3' (expected one of ceph, local)", set.getMessage());
    }

    @Test
    void theHelpTextListsTheSettingAndTheKnownBackends() {
        String help = ConfigLoader.help();
        assertTrue(help.contains("--storage-backend"), help);
        assertTrue(help.contains("STRONGROOM_STORAGE_BACKEND"), help);
        assertTrue(help.contains("where volumes are stored: ceph, local"), help);
        assertTrue(help.contains("--storage-ceph-conf"), help);
        assertTrue(help.contains("STRONGROOM_STORAGE_CEPH_POOL"), help);
    }

    @Test
    void theCephBackendTakesItsClusterPoolAndNamespaceAndNeedsAConf() throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, "storage:\n  backend: ceph\n  ceph:\n    conf: /etc/ceph/ceph.conf\n    pool: vols\n");
        GatewayConfig c = ConfigLoader.load(
                new String[] {"--config", file.toString()}, Map.of("STRONGROOM_STORAGE_CEPH_NAMESPACE", "team-a"));
        assertEquals("ceph", c.getStorageBackend());
        assertEquals(Path.of("/etc/ceph/ceph.conf"), c.getCephConf());
        assertEquals("vols", c.getCephPool());
        assertEquals("team-a", c.getCephNamespace());
        assertEquals("strongroom", new GatewayConfig().getCephPool());
        ConfigException noConf = assertThrows(
                ConfigException.class, () -> ConfigLoader.load(new String[] {"--storage-backend", "ceph"}, Map.of()));
        assertEquals(
                "invalid setting storage.ceph.conf: '' (expected the path of a ceph.conf when storage.backend is ceph)",
                noConf.getMessage());
    }

    @Test
    void theCephLeaseIsTenSecondsUnlessSetWithinTwoToAnHour() throws Exception {
        assertEquals(10, new GatewayConfig().getCephLeaseSeconds());
        Path file = dir.resolve("lease.yaml");
        Files.writeString(file, "storage:\n  ceph:\n    leaseSeconds: 4\n");
        assertEquals(
                4,
                ConfigLoader.load(new String[] {"--config", file.toString()}, Map.of())
                        .getCephLeaseSeconds());
        assertEquals(
                30,
                ConfigLoader.load(new String[] {"--storage-ceph-lease-seconds", "30"}, Map.of())
                        .getCephLeaseSeconds());
        ConfigException tooShort = assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(new String[] {"--storage-ceph-lease-seconds", "1"}, Map.of()));
        assertEquals(
                "invalid setting storage.ceph.leaseSeconds: '1' (expected an integer 2..3600)", tooShort.getMessage());
        ConfigException set = assertThrows(
                ConfigException.class,
                () -> new GatewayConfig().setCephLeaseSeconds(7200).validate());
        assertTrue(set.getMessage().startsWith("invalid setting storage.ceph.leaseSeconds: '7200'"), set.getMessage());
        assertTrue(ConfigLoader.help().contains("--storage-ceph-lease-seconds"));
    }
}
