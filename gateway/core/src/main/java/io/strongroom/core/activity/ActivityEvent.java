package io.strongroom.core.activity;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One line of the activity log. Only names, ids, states and timings: never key material, wrapped or not, and never
 * a token. Optional fields are null (and left out of the JSON).
 *
 * @param time       when it happened (the gateway's clock)
 * @param type       what happened
 * @param ok         whether the operation succeeded (state changes: true)
 * @param identity   the vault identity used, or null
 * @param kek        versionless key URL of the KEK, or null
 * @param kekVersion the key version involved, or null
 * @param volumes    volumes concerned (empty when none or unknown)
 * @param cause      for failures and state changes: the {@code KeyAccessCause} JSON name, or null
 * @param detail     short operator text (e.g. {@code AVAILABLE -> DEGRADED}, the vault's error code), or null
 * @param latencyMs  duration of the vault call(s), or null
 */
public record ActivityEvent(
        Instant time,
        ActivityType type,
        boolean ok,
        String identity,
        String kek,
        String kekVersion,
        List<String> volumes,
        String cause,
        String detail,
        Double latencyMs) {
    public ActivityEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(type, "type");
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
    }

    /** A builder for an event of {@code type} at {@code time}. */
    public static Builder of(ActivityType type, Instant time) {
        return new Builder(type, time);
    }

    /** Whether the event concerns {@code volume} (null matches all). */
    public boolean concernsVolume(String volume) {
        return volume == null || volumes.contains(volume);
    }

    /** Whether the event concerns the KEK {@code kekUrl}, versionless or versioned (null matches all). */
    public boolean concernsKek(String kekUrl) {
        if (kekUrl == null) {
            return true;
        }
        if (kek == null) {
            return false;
        }
        String wanted = kekUrl.endsWith("/") ? kekUrl.substring(0, kekUrl.length() - 1) : kekUrl;
        return wanted.equals(kek) || (kekVersion != null && wanted.equals(kek + "/" + kekVersion));
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("time", time.toString())
                .put("type", type.jsonName())
                .put("outcome", ok ? "ok" : "failed");
        putIfSet(json, "identity", identity);
        putIfSet(json, "kek", kek);
        putIfSet(json, "kekVersion", kekVersion);
        if (!volumes.isEmpty()) {
            json.put("volumes", new JsonArray(volumes));
        }
        putIfSet(json, "cause", cause);
        putIfSet(json, "detail", detail);
        if (latencyMs != null) {
            json.put("latencyMs", Math.round(latencyMs * 1000.0) / 1000.0);
        }
        return json;
    }

    /** The event of one log line; IllegalArgumentException on a line that is not one. */
    public static ActivityEvent fromJson(JsonObject json) {
        try {
            JsonArray vols = json.getJsonArray("volumes");
            List<String> volumes = vols == null
                    ? List.of()
                    : vols.stream().map(String::valueOf).toList();
            Number latency = json.getNumber("latencyMs");
            return new ActivityEvent(
                    Instant.parse(json.getString("time")),
                    ActivityType.fromJsonName(json.getString("type")),
                    "ok".equals(json.getString("outcome")),
                    json.getString("identity"),
                    json.getString("kek"),
                    json.getString("kekVersion"),
                    volumes,
                    json.getString("cause"),
                    json.getString("detail"),
                    latency == null ? null : latency.doubleValue());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not an activity event: " + e.getMessage(), e);
        }
    }

    private static void putIfSet(JsonObject json, String field, String value) {
        if (value != null) {
            json.put(field, value);
        }
    }

    /** Fluent construction; unset fields stay null. */
    public static final class Builder {
        private final ActivityType type;
        private final Instant time;
        private boolean ok = true;
        private String identity;
        private String kek;
        private String kekVersion;
        private List<String> volumes = List.of();
        private String cause;
        private String detail;
        private Double latencyMs;

        private Builder(ActivityType type, Instant time) {
            this.type = type;
            this.time = time;
        }

        public Builder ok(boolean ok) {
            this.ok = ok;
            return this;
        }

        public Builder identity(String identity) {
            this.identity = identity;
            return this;
        }

        /** The KEK as a key URL, with or without version: split into {@code kek} and {@code kekVersion}. */
        public Builder kek(String keyUrl) {
            if (keyUrl == null) {
                return this;
            }
            int keys = keyUrl.indexOf("/keys/");
            int versionSlash = keys < 0 ? -1 : keyUrl.indexOf('/', keys + "/keys/".length());
            if (versionSlash > 0 && versionSlash < keyUrl.length() - 1) {
                this.kek = keyUrl.substring(0, versionSlash);
                this.kekVersion = keyUrl.substring(versionSlash + 1);
            } else {
                this.kek = versionSlash > 0 ? keyUrl.substring(0, versionSlash) : keyUrl;
            }
            return this;
        }

        public Builder kekVersion(String version) {
            this.kekVersion = version;
            return this;
        }

        public Builder volumes(List<String> volumes) {
            this.volumes = volumes;
            return this;
        }

        public Builder volume(String volume) {
            this.volumes = volume == null ? List.of() : List.of(volume);
            return this;
        }

        public Builder cause(String cause) {
            this.cause = cause;
            return this;
        }

        public Builder detail(String detail) {
            this.detail = detail;
            return this;
        }

        public Builder latencyNanos(long nanos) {
            this.latencyMs = nanos / 1_000_000.0;
            return this;
        }

        public ActivityEvent build() {
            return new ActivityEvent(time, type, ok, identity, kek, kekVersion, volumes, cause, detail, latencyMs);
        }
    }
}
