package io.strongroom.http;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.volume.ReplicaInfo;
import io.strongroom.core.volume.ReplicaSpec;
import io.strongroom.core.volume.Replicas;
import io.strongroom.core.volume.ReplicationCycle;
import io.strongroom.core.volume.VolumeService;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;

/**
 * Replication (docs/REPLICAS.md): the primary's routes a replica pulls from
 * ({@code /v1/volumes/{name}/replication/...}, role {@code replication}) and the replica gateway's own
 * ({@code /v1/replicas}, role {@code volume-admin}). No answer ever holds a replica's token.
 */
final class ReplicationRoutes {
    private static final Set<String> CREATE_FIELDS =
            Set.of("name", "primaryUrl", "primaryVolume", "token", "kekId", "identity", "intervalMillis");

    private final VolumeService volumes;
    private final Replicas replicas;

    ReplicationRoutes(HttpApi api) {
        this.volumes = api.volumes();
        this.replicas = api.replicas();
    }

    /** {@code POST .../replication/{stream}/cycles {"base", "fresh", "publicKey"}}: 201 with the cycle. */
    void startCycle(Exchange ex, String volume, String stream) {
        BlockRoutes.readJson(ex, json -> {
            RSAPublicKey recipient;
            try {
                recipient = publicKey(json.getValue("publicKey"));
                if (!(json.getValue("base") == null || json.getValue("base") instanceof String)
                        || !(json.getValue("fresh", false) instanceof Boolean)) {
                    throw new IllegalArgumentException("base is a snapshot name or null, fresh a boolean");
                }
            } catch (IllegalArgumentException e) {
                ex.error(ErrorCode.InvalidArgument, e.getMessage());
                return;
            }
            ex.run(
                    () -> volumes.startReplicationCycle(
                            volume, stream, json.getString("base"), json.getBoolean("fresh", false), recipient),
                    ar -> {
                        if (ar.succeeded()) {
                            ex.json(201, ar.result().toJson());
                        } else {
                            ex.fail(ar.cause());
                        }
                    });
        });
    }

    private static RSAPublicKey publicKey(Object value) {
        if (!(value instanceof String text)) {
            throw new IllegalArgumentException("publicKey (base64 of an X.509 RSA public key) is required");
        }
        try {
            return (RSAPublicKey) KeyFactory.getInstance("RSA")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(text)));
        } catch (GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            throw new IllegalArgumentException("publicKey is not the base64 of an X.509 RSA public key");
        }
    }

    /** {@code GET .../replication/{stream}/cycles/{cycle}?mode=&from=&max=[&base=]}: one binary page. */
    void page(Exchange ex, String volume, String stream, String cycle) {
        MultiMap query = ex.queryParams();
        if (query == null) {
            return;
        }
        ReplicationCycle.Mode mode;
        long from;
        int max;
        try {
            mode = ReplicationCycle.Mode.parse(String.valueOf(query.get("mode")));
            from = Long.parseLong(String.valueOf(query.get("from")));
            max = Integer.parseInt(String.valueOf(query.get("max")));
        } catch (IllegalArgumentException e) {
            ex.error(
                    ErrorCode.InvalidArgument,
                    "a page needs mode (incremental, full or fresh), from and max as numbers");
            return;
        }
        String base = query.get("base");
        ex.run(() -> volumes.replicationPage(volume, stream, cycle, mode, base, from, max), ar -> {
            if (ar.succeeded()) {
                ex.bytes(ar.result());
            } else {
                ex.fail(ar.cause());
            }
        });
    }

    /** {@code DELETE .../replication/{stream}}: the stream's snapshots deleted, 204. */
    void release(Exchange ex, String volume, String stream) {
        ex.run(() -> volumes.releaseReplication(volume, stream), ar -> done(ex, ar.cause()));
    }

    /**
     * {@code POST /v1/replicas {"name", "primaryUrl", "primaryVolume", "token", "kekId"?, "identity"?,
     * "intervalMillis"?}}: 201 with the replica. The primary's token goes to the replica's 0600 token file and
     * nowhere else (no answer, log line or error holds it). It is taken in the body rather than as a path to read:
     * a path would let an administrator of this gateway send any file it can read (its vault master key, say) to a
     * server of their choice as a bearer token.
     */
    void create(Exchange ex) {
        BlockRoutes.readJson(ex, json -> {
            ReplicaSpec spec;
            try {
                if (!CREATE_FIELDS.containsAll(json.fieldNames())) {
                    throw new IllegalArgumentException("a replica is created with " + CREATE_FIELDS + " only");
                }
                Object interval = json.getValue("intervalMillis");
                if (interval != null && !(interval instanceof Number)) {
                    throw new IllegalArgumentException("intervalMillis is a number");
                }
                spec = new ReplicaSpec(
                        text(json, "name", true),
                        text(json, "primaryUrl", true),
                        text(json, "primaryVolume", true),
                        text(json, "token", true),
                        text(json, "kekId", false),
                        text(json, "identity", false),
                        interval == null ? null : Duration.ofMillis(((Number) interval).longValue()));
            } catch (IllegalArgumentException e) {
                ex.error(ErrorCode.InvalidArgument, e.getMessage());
                return;
            }
            ex.run(() -> replicas.create(spec), ar -> {
                if (ar.succeeded()) {
                    ex.json(201, toJson(ar.result()));
                } else {
                    ex.fail(ar.cause());
                }
            });
        });
    }

    private static String text(JsonObject json, String field, boolean required) {
        Object value = json.getValue(field);
        if (value == null && !required) {
            return null;
        }
        if (!(value instanceof String s) || s.isEmpty()) {
            throw new IllegalArgumentException(field + " is required and is a string");
        }
        return s;
    }

    void list(Exchange ex) {
        ex.run(replicas::list, ar -> {
            if (ar.failed()) {
                ex.fail(ar.cause());
                return;
            }
            JsonArray all = new JsonArray();
            ar.result().forEach(r -> all.add(toJson(r)));
            ex.json(200, new JsonObject().put("replicas", all));
        });
    }

    void get(Exchange ex, String name) {
        answer(ex, () -> replicas.get(name));
    }

    void promote(Exchange ex, String name) {
        answer(ex, () -> replicas.promote(name));
    }

    void delete(Exchange ex, String name) {
        ex.run(() -> replicas.delete(name), ar -> done(ex, ar.cause()));
    }

    private static void answer(Exchange ex, java.util.function.Supplier<Future<ReplicaInfo>> call) {
        ex.run(call, ar -> {
            if (ar.succeeded()) {
                ex.json(200, toJson(ar.result()));
            } else {
                ex.fail(ar.cause());
            }
        });
    }

    private static void done(Exchange ex, Throwable failure) {
        if (failure == null) {
            ex.noContent();
        } else {
            ex.fail(failure);
        }
    }

    static JsonObject toJson(ReplicaInfo r) {
        return new JsonObject()
                .put("name", r.name())
                .put("primaryUrl", r.primaryUrl())
                .put("primaryVolume", r.primaryVolume())
                .put("state", r.state().wireName())
                .put("appliedCycle", r.appliedCycle())
                .put("appliedAt", r.appliedAt() == null ? null : r.appliedAt().toString())
                .put("lagSeconds", r.lagSeconds())
                .put("lastError", r.lastError())
                .put("cycles", r.cycles())
                .put("blocksShipped", r.blocksShipped())
                .put("bytesShipped", r.bytesShipped());
    }
}
