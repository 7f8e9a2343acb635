package io.strongroom.http;

import io.strongroom.core.auth.Operation;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The routes of HTTP API v1; the label is the metrics' {@code route} label and the docs' name, the operation what
 * {@link io.strongroom.core.auth.Principal#may} is asked about.
 */
public enum Route {
    LIVE("GET /health/live", null),
    HEALTH("GET /health", Operation.READ_HEALTH),
    METRICS("GET /metrics", Operation.READ_METRICS),
    VOLUME_CREATE("POST /v1/volumes", Operation.CREATE_VOLUME),
    VOLUME_LIST("GET /v1/volumes", Operation.LIST_VOLUMES),
    VOLUME_GET("GET /v1/volumes/{name}", Operation.DESCRIBE_VOLUME),
    VOLUME_DELETE("DELETE /v1/volumes/{name}", Operation.DELETE_VOLUME),
    BLOCK_READ("GET /v1/volumes/{name}/blocks/{n}", Operation.READ_BLOCKS),
    BLOCK_WRITE("PUT /v1/volumes/{name}/blocks/{n}", Operation.WRITE_BLOCKS),
    TRIM("POST /v1/volumes/{name}/trim", Operation.TRIM_BLOCKS),
    FLUSH("POST /v1/volumes/{name}/flush", Operation.FLUSH),
    REVALIDATE("POST /v1/volumes/{name}/revalidate", Operation.REVALIDATE_VOLUME_KEY),
    KEK_SET("PUT /v1/volumes/{name}/kek", Operation.CHANGE_KEK),
    ROLLOVER("POST /v1/volumes/{name}/rollover", Operation.ROLLOVER_DEK),
    SNAPSHOT_CREATE("POST /v1/volumes/{name}/snapshots", Operation.CREATE_SNAPSHOT),
    SNAPSHOT_LIST("GET /v1/volumes/{name}/snapshots", Operation.DESCRIBE_SNAPSHOTS),
    SNAPSHOT_GET("GET /v1/volumes/{name}/snapshots/{snapshot}", Operation.DESCRIBE_SNAPSHOTS),
    SNAPSHOT_DELETE("DELETE /v1/volumes/{name}/snapshots/{snapshot}", Operation.DELETE_SNAPSHOT),
    SNAPSHOT_READ("GET /v1/volumes/{name}/snapshots/{snapshot}/blocks/{n}", Operation.READ_SNAPSHOT),
    REPLICATION_CYCLE("POST /v1/volumes/{name}/replication/{stream}/cycles", Operation.REPLICATE),
    REPLICATION_PAGE("GET /v1/volumes/{name}/replication/{stream}/cycles/{cycle}", Operation.REPLICATE),
    REPLICATION_RELEASE("DELETE /v1/volumes/{name}/replication/{stream}", Operation.REPLICATE),
    REPLICA_CREATE("POST /v1/replicas", Operation.MANAGE_REPLICAS),
    REPLICA_LIST("GET /v1/replicas", Operation.MANAGE_REPLICAS),
    REPLICA_GET("GET /v1/replicas/{replica}", Operation.MANAGE_REPLICAS),
    REPLICA_DELETE("DELETE /v1/replicas/{replica}", Operation.MANAGE_REPLICAS),
    REPLICA_PROMOTE("POST /v1/replicas/{replica}/promote", Operation.MANAGE_REPLICAS),
    SNAPSHOT_CLONE("POST /v1/volumes/{name}/snapshots/{snapshot}/clone", Operation.CLONE_SNAPSHOT),
    KEK_REVALIDATE("POST /v1/keys/revalidate", Operation.REVALIDATE_KEK),
    ACTIVITY("GET /v1/activity", Operation.READ_ACTIVITY),
    /** The operator's page and its files: static, no data, no token (its script calls the API with one). */
    OPERATOR_PAGE("GET /ops/{file}", null),
    /** No route matched (404 RouteNotFound, 405 MethodNotAllowed). */
    UNMATCHED("unmatched", null);

    private final String label;
    private final @Nullable Operation operation;

    Route(String label, @Nullable Operation operation) {
        this.label = label;
        this.operation = operation;
    }

    public String label() {
        return label;
    }

    /** The core operation the route performs, which authorization asks about; null for liveness and the operator's page (no
     * token) and unmatched paths. */
    @Nullable
    Operation operation() {
        return operation;
    }

    static List<String> labels() {
        List<String> labels = new ArrayList<>();
        for (Route r : values()) {
            labels.add(r.label);
        }
        return labels;
    }
}
