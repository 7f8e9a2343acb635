package io.strongroom.core.keys;

import io.strongroom.core.activity.AlertSink;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Turns key-access transitions into alerts: {@code degraded} on entering DEGRADED (with the deadline),
 * {@code inaccessible} on entering INACCESSIBLE, {@code recovered} on returning to AVAILABLE; sent to every sink.
 */
public final class KeyAccessAlerts implements KeyAccessListener {
    private final List<AlertSink> sinks;
    private final KeyAccessContext context;

    public KeyAccessAlerts(KeyAccessContext context, List<AlertSink> sinks) {
        this.context = context;
        this.sinks = List.copyOf(sinks);
    }

    @Override
    public void onTransition(KeyAccessSnapshot before, KeyAccessSnapshot after, List<String> volumes) {
        String alert = switch (after.state()) {
            case DEGRADED -> "degraded";
            case INACCESSIBLE -> "inaccessible";
            case AVAILABLE -> "recovered";
        };
        JsonObject json = new JsonObject()
                .put("alert", alert)
                .put("time", context.clock().instant().toString())
                .put("kek", after.kek().keyUrl())
                .put("identity", after.kek().identity())
                .put("state", after.state().name())
                .put("previousState", before.state().name())
                .put("since", after.since().toString())
                .put("volumes", new JsonArray(volumes));
        if (after.state() != KeyState.AVAILABLE) {
            json.put("cause", after.causeName()).put("causeDetail", after.causeDetail());
        }
        if (after.state() == KeyState.DEGRADED) {
            json.put("inaccessibleAt", after.since().plus(context.gracePeriod()).toString());
        }
        sinks.forEach(s -> s.send(json));
    }
}
