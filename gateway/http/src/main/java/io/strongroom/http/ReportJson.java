package io.strongroom.http;

import io.strongroom.core.activity.ActivityEvent;
import io.strongroom.core.activity.ActivityPage;
import io.strongroom.core.health.HealthReport;
import io.strongroom.core.keys.KeyState;
import io.strongroom.core.keys.KeyStateReport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Renders the core's typed results as the JSON of docs/API.md: health, key states, activity. Rendering only; what
 * the results say is decided in the core.
 */
final class ReportJson {
    private ReportJson() {}

    /** {@code GET /health}: status, one entry per KEK, then each detail section as an object. */
    static JsonObject health(HealthReport report) {
        JsonArray keys = new JsonArray();
        for (KeyStateReport k : report.keys()) {
            JsonObject key = new JsonObject()
                    .put("kek", k.kek())
                    .put("identity", k.identity())
                    .put("state", k.state().name())
                    .put("since", k.since().toString());
            // A cause is shown only while the key is not AVAILABLE (a recovered failure is in the activity log).
            if (k.cause() != null && k.state() != KeyState.AVAILABLE) {
                key.put("cause", k.cause()).put("causeDetail", k.causeDetail());
            }
            keys.add(key);
        }
        JsonObject json = new JsonObject().put("status", report.status().name()).put("keys", keys);
        report.details().forEach((name, section) -> json.put(name, new JsonObject(section)));
        return json;
    }

    /**
     * A revalidation's key state: the cause is shown only while the key is not available, {@code cause} and
     * {@code keyStateCause} its stable name (as a volume's {@code keyStateCause}), {@code keyStateCauseDetail} the
     * failure for operators.
     */
    static JsonObject keyState(KeyStateReport k) {
        JsonObject json = new JsonObject()
                .put("kek", k.kek())
                .put("identity", k.identity())
                .put("keyState", k.state().name())
                .put("keyStateSince", k.since().toString())
                .put("volumes", new JsonArray(k.volumes()));
        if (k.cause() != null && k.state() != KeyState.AVAILABLE) {
            json.put("cause", k.cause()).put("keyStateCause", k.cause()).put("keyStateCauseDetail", k.causeDetail());
        }
        return json;
    }

    /** {@code POST /v1/keys/revalidate}: {@code {"keks":[key state...]}}. */
    static JsonObject keyStates(List<KeyStateReport> reports) {
        JsonArray keks = new JsonArray();
        reports.forEach(r -> keks.add(keyState(r)));
        return new JsonObject().put("keks", keks);
    }

    /** {@code GET /v1/activity}: {@code {"events":[...]}}, each event as its activity-log line. */
    static JsonObject activity(ActivityPage page) {
        JsonArray events = new JsonArray();
        for (ActivityEvent e : page.events()) {
            events.add(e.toJson());
        }
        return new JsonObject().put("events", events);
    }
}
