package io.strongroom.http;

import io.strongroom.core.auth.Role;
import java.util.ArrayList;
import java.util.List;

/** The routes of HTTP API v1; the label is the metrics' {@code route} label and the docs' name. */
public enum Route {
    LIVE("GET /health/live", null),
    HEALTH("GET /health", null),
    METRICS("GET /metrics", null),
    VOLUME_CREATE("POST /v1/volumes", Role.VOLUME_ADMIN),
    VOLUME_LIST("GET /v1/volumes", Role.VOLUME_ADMIN),
    VOLUME_GET("GET /v1/volumes/{name}", Role.VOLUME_ADMIN),
    VOLUME_DELETE("DELETE /v1/volumes/{name}", Role.VOLUME_ADMIN),
    BLOCK_READ("GET /v1/volumes/{name}/blocks/{n}", Role.DATA),
    BLOCK_WRITE("PUT /v1/volumes/{name}/blocks/{n}", Role.DATA),
    TRIM("POST /v1/volumes/{name}/trim", Role.DATA),
    FLUSH("POST /v1/volumes/{name}/flush", Role.DATA),
    REVALIDATE("POST /v1/volumes/{name}/revalidate", Role.KEY_ADMIN),
    KEK_SET("PUT /v1/volumes/{name}/kek", Role.KEY_ADMIN),
    ROLLOVER("POST /v1/volumes/{name}/rollover", Role.KEY_ADMIN),
    KEK_REVALIDATE("POST /v1/keys/revalidate", Role.KEY_ADMIN),
    ACTIVITY("GET /v1/activity", Role.KEY_ADMIN),
    /** No route matched (404 RouteNotFound, 405 MethodNotAllowed). */
    UNMATCHED("unmatched", null);

    private final String label;
    private final Role role;

    Route(String label, Role role) {
        this.label = label;
        this.role = role;
    }

    public String label() {
        return label;
    }

    /** The role the route needs; null = any valid token (health, metrics) or none (liveness). */
    Role role() {
        return role;
    }

    static List<String> labels() {
        List<String> labels = new ArrayList<>();
        for (Route r : values()) {
            labels.add(r.label);
        }
        return labels;
    }
}
