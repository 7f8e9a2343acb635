package io.strongroom.http;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.volume.CloneJob;
import io.strongroom.core.volume.SnapshotInfo;
import io.strongroom.core.volume.VolumeService;
import io.strongroom.core.volume.VolumeSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A volume's snapshots (docs/SNAPSHOTS.md): take, list, describe, clone, delete. Their blocks are read by
 * {@link BlockRoutes#readSnapshot}; a snapshot is read-only, so nothing writes them.
 */
final class SnapshotRoutes {
    private final VolumeService volumes;

    SnapshotRoutes(HttpApi api) {
        this.volumes = api.volumes();
    }

    /** {@code POST /v1/volumes/{name}/snapshots {"name"}}: 201 with the snapshot. */
    void create(Exchange ex, String volume) {
        BlockRoutes.readJson(ex, json -> {
            if (!(json.getValue("name") instanceof String name) || json.size() != 1) {
                ex.error(ErrorCode.InvalidArgument, "a snapshot is taken with {\"name\": <snapshot name>} only");
                return;
            }
            ex.run(() -> volumes.createSnapshot(volume, name), ar -> {
                if (ar.succeeded()) {
                    ex.json(201, toJson(ar.result()));
                } else {
                    ex.fail(ar.cause());
                }
            });
        });
    }

    /**
     * {@code POST /v1/volumes/{name}/snapshots/{snapshot}/clone {"name","kek"?,"identity"?}}: 202 with the new volume
     * once it exists, in state CLONING; its copy goes on behind (docs/SNAPSHOTS.md, "Clones").
     */
    void clone(Exchange ex, String volume, String snapshot) {
        BlockRoutes.readJson(ex, json -> {
            VolumeSpec spec;
            try {
                spec = AdminRoutes.spec(json, true);
            } catch (IllegalArgumentException e) {
                ex.error(ErrorCode.InvalidArgument, e.getMessage());
                return;
            }
            ex.run(() -> volumes.cloneSnapshot(volume, snapshot, spec).map(CloneJob::started), ar -> {
                if (ar.succeeded()) {
                    ex.json(202, ar.result().toJson());
                } else {
                    ex.fail(ar.cause());
                }
            });
        });
    }

    void list(Exchange ex, String volume) {
        ex.run(() -> volumes.snapshots(volume), ar -> {
            if (ar.failed()) {
                ex.fail(ar.cause());
                return;
            }
            JsonArray all = new JsonArray();
            ar.result().forEach(s -> all.add(toJson(s)));
            ex.json(200, new JsonObject().put("snapshots", all));
        });
    }

    void get(Exchange ex, String volume, String snapshot) {
        ex.run(() -> volumes.snapshot(volume, snapshot), ar -> {
            if (ar.succeeded()) {
                ex.json(200, toJson(ar.result()));
            } else {
                ex.fail(ar.cause());
            }
        });
    }

    void delete(Exchange ex, String volume, String snapshot) {
        ex.run(() -> volumes.deleteSnapshot(volume, snapshot), ar -> {
            if (ar.succeeded()) {
                ex.noContent();
            } else {
                ex.fail(ar.cause());
            }
        });
    }

    static JsonObject toJson(SnapshotInfo s) {
        return new JsonObject()
                .put("volume", s.volume())
                .put("name", s.name())
                .put("id", s.id().toString())
                .put("createdAt", s.createdAt().toString());
    }
}
