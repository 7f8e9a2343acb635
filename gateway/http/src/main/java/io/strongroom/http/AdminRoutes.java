package io.strongroom.http;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.health.HealthReport;
import io.strongroom.core.health.HealthStatus;
import io.strongroom.core.keys.KeyAdministration;
import io.strongroom.core.volume.KekChange;
import io.strongroom.core.volume.VolumeInfo;
import io.strongroom.core.volume.VolumeService;
import io.strongroom.core.volume.VolumeSpec;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Volume administration, health and metrics: JSON in and out, off the hot path. */
final class AdminRoutes {
    private final HttpApi api;
    private final VolumeService volumes;

    AdminRoutes(HttpApi api) {
        this.api = api;
        this.volumes = api.volumes();
    }

    void create(Exchange ex) {
        BlockRoutes.readJson(ex, json -> {
            VolumeSpec spec;
            try {
                spec = spec(json, false);
            } catch (IllegalArgumentException e) {
                ex.error(ErrorCode.InvalidArgument, e.getMessage());
                return;
            }
            ex.run(() -> volumes.create(spec), ar -> {
                if (ar.succeeded()) {
                    ex.json(201, ar.result().toJson());
                } else {
                    ex.fail(ar.cause());
                }
            });
        });
    }

    void list(Exchange ex) {
        ex.run(() -> volumes.list(), ar -> {
            if (ar.failed()) {
                ex.fail(ar.cause());
                return;
            }
            JsonArray all = new JsonArray();
            for (VolumeInfo info : ar.result()) {
                all.add(info.toJson());
            }
            ex.json(200, new JsonObject().put("volumes", all));
        });
    }

    void get(Exchange ex, String volume) {
        ex.run(() -> volumes.get(volume), ar -> {
            if (ar.succeeded()) {
                ex.json(200, ar.result().toJson());
            } else {
                ex.fail(ar.cause());
            }
        });
    }

    void delete(Exchange ex, String volume) {
        ex.run(() -> volumes.delete(volume), ar -> {
            if (ar.succeeded()) {
                ex.noContent();
            } else {
                ex.fail(ar.cause());
            }
        });
    }

    void revalidate(Exchange ex, String volume) {
        ex.run(() -> api.keyAdmin().revalidate(volume), ar -> {
            if (ar.succeeded()) {
                ex.json(200, ReportJson.keyState(ar.result()).put("volume", volume));
            } else {
                ex.fail(ar.cause());
            }
        });
    }

    /** {@code POST /v1/keys/revalidate {"kek": key URL, "identity"?}}. */
    void revalidateKek(Exchange ex) {
        BlockRoutes.readJson(ex, json -> {
            if (!(json.getValue("kek") instanceof String kek)
                    || (json.getValue("identity") != null && !(json.getValue("identity") instanceof String))) {
                ex.error(ErrorCode.InvalidArgument, "kek (a key URL) is required; identity is an optional string");
                return;
            }
            ex.run(() -> api.keyAdmin().revalidateKek(kek, json.getString("identity")), ar -> {
                if (ar.succeeded()) {
                    ex.json(200, ReportJson.keyStates(ar.result()));
                } else {
                    ex.fail(ar.cause());
                }
            });
        });
    }

    /** {@code GET /v1/activity?volume=&kek=&limit=}; the core checks the limit's range. */
    void activity(Exchange ex) {
        MultiMap params = ex.queryParams();
        if (params == null) {
            return;
        }
        int limit;
        String limitText = params.get("limit");
        try {
            limit = limitText == null ? KeyAdministration.DEFAULT_ACTIVITY_LIMIT : Integer.parseInt(limitText);
        } catch (NumberFormatException e) {
            ex.error(ErrorCode.InvalidArgument, "limit must be an integer 1.." + KeyAdministration.MAX_ACTIVITY_LIMIT);
            return;
        }
        ex.run(() -> api.keyAdmin().activity(params.get("volume"), params.get("kek"), limit), ar -> {
            if (ar.succeeded()) {
                ex.json(200, ReportJson.activity(ar.result()));
            } else {
                ex.fail(ar.cause());
            }
        });
    }

    /** {@code PUT /v1/volumes/{name}/kek {"kek", "identity"?, "autoFollow"?}}: validate, re-wrap, answer the volume. */
    void setKek(Exchange ex, String volume) {
        BlockRoutes.readJson(ex, json -> {
            KekChange change;
            try {
                change = kekChange(json);
            } catch (IllegalArgumentException e) {
                ex.error(ErrorCode.InvalidArgument, e.getMessage());
                return;
            }
            ex.run(() -> volumes.changeKek(volume, change), ar -> {
                if (ar.succeeded()) {
                    ex.json(200, ar.result().toJson());
                } else {
                    ex.fail(ar.cause());
                }
            });
        });
    }

    /** {@code POST /v1/volumes/{name}/rollover}: a new active DEK now; the re-seal runs in the background. */
    void rollover(Exchange ex, String volume) {
        ex.run(() -> volumes.rollover(volume), ar -> {
            if (ar.succeeded()) {
                ex.json(202, ar.result().toJson());
            } else {
                ex.fail(ar.cause());
            }
        });
    }

    private static KekChange kekChange(JsonObject json) {
        for (String field : json.fieldNames()) {
            if (!field.equals("kek") && !field.equals("identity") && !field.equals("autoFollow")) {
                throw new IllegalArgumentException(
                        "unknown field '" + field + "' (expected kek, identity, autoFollow)");
            }
        }
        if (!(json.getValue("kek") instanceof String kek)) {
            throw new IllegalArgumentException(
                    "kek is required: a key identifier URL or \"" + KekChange.SERVICE_KEK + "\"");
        }
        Object identity = json.getValue("identity");
        Object autoFollow = json.getValue("autoFollow");
        if ((identity != null && !(identity instanceof String))
                || (autoFollow != null && !(autoFollow instanceof Boolean))) {
            throw new IllegalArgumentException("identity must be a string and autoFollow a boolean");
        }
        return new KekChange(kek, (String) identity, (Boolean) autoFollow);
    }

    /** DOWN is 503, so a load balancer that reads only statuses stops sending traffic; the body says why. */
    void health(Exchange ex) {
        HealthReport report = api.health().report();
        ex.json(report.status() == HealthStatus.DOWN ? 503 : 200, ReportJson.health(report));
    }

    void metrics(Exchange ex) {
        ex.text(HeaderValues.PROMETHEUS_TEXT, Buffer.buffer(api.metrics().scrape()));
    }

    /** The create body {@code {name, sizeBytes, blockSize?, kek?, identity?}}; the volume service checks the values. */
    /**
     * The volume a create or clone body asks for; a clone's {@code sizeBytes} may be left out (0: the parent's size,
     * which is the only one it may have).
     */
    static VolumeSpec spec(JsonObject json, boolean clone) {
        for (String field : json.fieldNames()) {
            if (!field.equals("name")
                    && !field.equals("sizeBytes")
                    && !field.equals("blockSize")
                    && !field.equals("kek")
                    && !field.equals("identity")) {
                throw new IllegalArgumentException(
                        "unknown field '" + field + "' (expected name, sizeBytes, blockSize, kek, identity)");
            }
        }
        if (!(json.getValue("name") instanceof String name)) {
            throw new IllegalArgumentException("name is required (a string)");
        }
        Object sizeValue = clone && json.getValue("sizeBytes") == null ? 0L : json.getValue("sizeBytes");
        if (!(sizeValue instanceof Number size) || size.doubleValue() != size.longValue()) {
            throw new IllegalArgumentException("sizeBytes is required (an integer)");
        }
        Object blockSize = json.getValue("blockSize");
        if (blockSize != null && (!(blockSize instanceof Number b) || b.doubleValue() != b.intValue())) {
            throw new IllegalArgumentException("blockSize must be 4096, 8192, 16384 or 32768");
        }
        Object kek = json.getValue("kek");
        Object identity = json.getValue("identity");
        if ((kek != null && !(kek instanceof String)) || (identity != null && !(identity instanceof String))) {
            throw new IllegalArgumentException("kek and identity must be strings");
        }
        return new VolumeSpec(
                name, size.longValue(), blockSize == null ? 0 : ((Number) blockSize).intValue(), (String) kek, (String)
                        identity);
    }
}
