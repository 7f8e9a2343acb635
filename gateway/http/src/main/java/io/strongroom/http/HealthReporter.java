package io.strongroom.http;

import io.vertx.core.json.JsonObject;

/** The detailed status behind {@code GET /health}: {@code status} (UP, DEGRADED or DOWN) plus details. Must not block. */
@FunctionalInterface
public interface HealthReporter {
    String STATUS = "status";
    String UP = "UP";
    String DEGRADED = "DEGRADED";
    String DOWN = "DOWN";

    JsonObject report();
}
