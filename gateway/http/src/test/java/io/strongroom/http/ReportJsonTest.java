package io.strongroom.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.strongroom.core.activity.ActivityEvent;
import io.strongroom.core.activity.ActivityPage;
import io.strongroom.core.activity.ActivityType;
import io.strongroom.core.health.HealthReport;
import io.strongroom.core.health.HealthStatus;
import io.strongroom.core.keys.KeyState;
import io.strongroom.core.keys.KeyStateReport;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON of docs/API.md from the core's typed results. */
class ReportJsonTest {
    private static final String KEK = "https://127.0.0.1:8443/keys/kek-a";
    private static final Instant SINCE = Instant.parse("2026-01-02T03:04:05Z");

    private static KeyStateReport key(KeyState state, String cause, String detail) {
        return new KeyStateReport(KEK, "default", state, SINCE, List.of("db1", "db2"), cause, detail);
    }

    @Test
    void healthHasStatusKeysAndEachDetailSection() {
        Map<String, Map<String, Object>> details = new LinkedHashMap<>();
        details.put("storage", Map.of("durability", "fsync"));
        details.put("vault", Map.of("warnings", List.of("slow vault")));
        HealthReport report = new HealthReport(
                HealthStatus.DEGRADED,
                List.of(key(KeyState.DEGRADED, "keyDisabled", "FORBIDDEN (unwrap: Forbidden)")),
                details);

        JsonObject json = new JsonObject(ReportJson.health(report).encode());
        assertEquals("DEGRADED", json.getString("status"));
        JsonObject k = json.getJsonArray("keys").getJsonObject(0);
        assertEquals(KEK, k.getString("kek"));
        assertEquals("default", k.getString("identity"));
        assertEquals("DEGRADED", k.getString("state"));
        assertEquals("2026-01-02T03:04:05Z", k.getString("since"));
        assertEquals("keyDisabled", k.getString("cause"));
        assertEquals("FORBIDDEN (unwrap: Forbidden)", k.getString("causeDetail"));
        assertFalse(k.containsKey("volumes"), "health lists keys, not volumes");
        assertEquals("fsync", json.getJsonObject("storage").getString("durability"));
        assertEquals(
                "slow vault",
                json.getJsonObject("vault").getJsonArray("warnings").getString(0));
    }

    @Test
    void healthShowsACauseOnlyWhileTheKeyIsNotAvailable() {
        HealthReport recovered =
                new HealthReport(HealthStatus.UP, List.of(key(KeyState.AVAILABLE, "throttled", "THROTTLED")), Map.of());
        JsonObject k = ReportJson.health(recovered).getJsonArray("keys").getJsonObject(0);
        assertNull(k.getString("cause"), k::encode);
        assertNull(k.getString("causeDetail"), k::encode);

        HealthReport degraded = new HealthReport(
                HealthStatus.DEGRADED, List.of(key(KeyState.DEGRADED, "throttled", "THROTTLED")), Map.of());
        JsonObject d = ReportJson.health(degraded).getJsonArray("keys").getJsonObject(0);
        assertEquals("throttled", d.getString("cause"));
        assertEquals("THROTTLED", d.getString("causeDetail"));
    }

    @Test
    void aRevalidatedKeyStateShowsItsCauseOnlyWhileNotAvailable() {
        JsonObject degraded = ReportJson.keyState(key(KeyState.INACCESSIBLE, "keyDeleted", "NOT_FOUND (unwrap)"));
        assertEquals("INACCESSIBLE", degraded.getString("keyState"));
        assertEquals("2026-01-02T03:04:05Z", degraded.getString("keyStateSince"));
        assertEquals(List.of("db1", "db2"), degraded.getJsonArray("volumes").getList());
        assertEquals("keyDeleted", degraded.getString("cause"));
        assertEquals("keyDeleted", degraded.getString("keyStateCause"), "worded as a volume's keyStateCause");
        assertEquals("NOT_FOUND (unwrap)", degraded.getString("keyStateCauseDetail"));

        JsonObject recovered = ReportJson.keyState(key(KeyState.AVAILABLE, "keyDeleted", "NOT_FOUND (unwrap)"));
        assertNull(recovered.getString("cause"));
        assertNull(recovered.getString("keyStateCause"));

        JsonObject all = ReportJson.keyStates(List.of(key(KeyState.AVAILABLE, null, null)));
        assertEquals(KEK, all.getJsonArray("keks").getJsonObject(0).getString("kek"));
    }

    @Test
    void activityEventsAreTheirLogLinesNewestFirst() {
        ActivityEvent newer = ActivityEvent.of(ActivityType.PROBE, SINCE.plusSeconds(1))
                .kek(KEK + "/v2")
                .build();
        ActivityEvent older =
                ActivityEvent.of(ActivityType.PROBE, SINCE).ok(false).kek(KEK).build();
        JsonObject json = ReportJson.activity(new ActivityPage(List.of(newer, older)));
        assertEquals(newer.toJson(), json.getJsonArray("events").getJsonObject(0));
        assertEquals("v2", json.getJsonArray("events").getJsonObject(0).getString("kekVersion"));
        assertEquals("failed", json.getJsonArray("events").getJsonObject(1).getString("outcome"));
    }
}
