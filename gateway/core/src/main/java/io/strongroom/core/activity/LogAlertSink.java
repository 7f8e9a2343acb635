package io.strongroom.core.activity;

import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;

/** Alerts as log lines: WARNING for a KEK losing access, INFO for recovery. */
public final class LogAlertSink implements AlertSink {
    private static final System.Logger LOG = System.getLogger("io.strongroom.gateway.alerts");

    @Override
    public void send(JsonObject alert) {
        LOG.log(
                "recovered".equals(alert.getString("alert")) ? Level.INFO : Level.WARNING,
                "key-access alert: {0}",
                alert.encode());
    }
}
