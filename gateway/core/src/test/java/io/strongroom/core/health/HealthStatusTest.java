package io.strongroom.core.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.strongroom.core.keys.KeyState;
import io.strongroom.core.keys.KeyStateReport;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthStatusTest {

    @Test
    void upOnlyWithEveryKeyAvailableAndAesIntrinsicsOn() {
        assertEquals(HealthStatus.UP, HealthStatus.of(List.of(), true));
        assertEquals(HealthStatus.UP, HealthStatus.of(List.of(KeyState.AVAILABLE, KeyState.AVAILABLE), true));
        assertEquals(HealthStatus.DEGRADED, HealthStatus.of(List.of(KeyState.AVAILABLE), false));
        assertEquals(HealthStatus.DEGRADED, HealthStatus.of(List.of(), false));
    }

    @Test
    void degradedWhileSomeVolumesCanStillBeServed() {
        assertEquals(HealthStatus.DEGRADED, HealthStatus.of(List.of(KeyState.AVAILABLE, KeyState.DEGRADED), true));
        assertEquals(HealthStatus.DEGRADED, HealthStatus.of(List.of(KeyState.AVAILABLE, KeyState.INACCESSIBLE), true));
        assertEquals(HealthStatus.DEGRADED, HealthStatus.of(List.of(KeyState.DEGRADED), true));
        assertEquals(HealthStatus.DEGRADED, HealthStatus.of(List.of(KeyState.AVAILABLE), true, 1));
        assertEquals(HealthStatus.DEGRADED, HealthStatus.of(List.of(), true, 2));
        assertEquals(HealthStatus.UP, HealthStatus.of(List.of(KeyState.AVAILABLE), true, 0));
    }

    @Test
    void downWhenEveryKeyInUseIsInaccessible() {
        assertEquals(HealthStatus.DOWN, HealthStatus.of(List.of(KeyState.INACCESSIBLE), true));
        assertEquals(HealthStatus.DOWN, HealthStatus.of(List.of(KeyState.INACCESSIBLE, KeyState.INACCESSIBLE), false));
        assertEquals(HealthStatus.DOWN, HealthStatus.of(List.of(KeyState.INACCESSIBLE), true, 1));
    }

    @Test
    void aReportKeepsItsSectionsInOrderAndCannotBeChangedAfterwards() {
        Map<String, Object> storage = new HashMap<>();
        storage.put("durability", "fsync");
        storage.put("cpuModel", null);
        Map<String, Map<String, Object>> details = new LinkedHashMap<>();
        details.put("storage", storage);
        details.put("aesNi", Map.of("intrinsicsOn", true));
        KeyStateReport key = new KeyStateReport(
                "https://v/keys/k", "default", KeyState.AVAILABLE, Instant.EPOCH, List.of("a"), null, null);
        HealthReport report = new HealthReport(HealthStatus.UP, List.of(key), details);

        storage.put("durability", "changed");
        assertEquals("fsync", report.details().get("storage").get("durability"), "copied, not shared");
        assertEquals(List.of("storage", "aesNi"), List.copyOf(report.details().keySet()));
        assertThrows(UnsupportedOperationException.class, () -> report.details().put("x", Map.of()));
        assertThrows(
                UnsupportedOperationException.class,
                () -> report.details().get("storage").put("x", 1));
    }
}
