package io.strongroom.core.activity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Where key-access alerts go (log, webhook). {@link #send} never blocks and may be called from any thread. */
public interface AlertSink {
    void send(JsonObject alert);

    /** Alerts given up on: dropped from a full queue, or refused on every attempt. */
    default long undelivered() {
        return 0;
    }

    default Future<Void> close() {
        return Future.succeededFuture();
    }
}
