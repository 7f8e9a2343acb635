package io.strongroom.vault.local.faults;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What to inject into vault requests (JSON shape in docs/LOCAL-VAULT.md):
 * <pre>
 * {"latency": {"distribution": "fixed", "ms": 20}                       // or
 *             {"distribution": "uniform", "minMs": 5, "maxMs": 50}      // or
 *             {"distribution": "normal", "meanMs": 20, "stddevMs": 5},
 *  "errors": [{"status": 429, "code": "Throttled", "rate": 1.0, "retryAfterSeconds": 1,
 *              "count": 2, "operations": ["unwrapKey"]}],
 *  "blackholeRate": 0.0}
 * </pre>
 * {@code operations} limits a rule to those operations (absent = all); {@code count} limits an
 * error rule to its next N matches (absent = unlimited). Randomness is not security-relevant here.
 */
public final class FaultPlan {
    public static final FaultPlan NONE = new FaultPlan(null, List.of(), 0.0, new JsonObject());

    private final Latency latency;
    private final List<ErrorRule> errors;
    private final double blackholeRate;
    private final JsonObject source;

    private FaultPlan(Latency latency, List<ErrorRule> errors, double blackholeRate, JsonObject source) {
        this.latency = latency;
        this.errors = errors;
        this.blackholeRate = blackholeRate;
        this.source = source;
    }

    /** Throws IllegalArgumentException with a message fit for a 400 answer. */
    public static FaultPlan fromJson(JsonObject json) {
        try {
            JsonObject l = json.getJsonObject("latency");
            Latency latency = l == null ? null : Latency.fromJson(l);
            List<ErrorRule> errors = new ArrayList<>();
            for (Object o : json.getJsonArray("errors", new JsonArray())) {
                errors.add(ErrorRule.fromJson((JsonObject) o));
            }
            double blackhole = json.getDouble("blackholeRate", 0.0);
            checkRate(blackhole, "blackholeRate");
            return new FaultPlan(latency, List.copyOf(errors), blackhole, json.copy());
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("fault plan has a field of the wrong type");
        }
    }

    public JsonObject toJson() {
        return source.copy();
    }

    boolean blackhole() {
        return blackholeRate > 0 && ThreadLocalRandom.current().nextDouble() < blackholeRate;
    }

    long delayMillis(String operation) {
        return latency == null || !latency.appliesTo(operation) ? 0 : latency.sample();
    }

    ErrorRule error(String operation) {
        for (ErrorRule rule : errors) {
            if (rule.fires(operation)) {
                return rule;
            }
        }
        return null;
    }

    private static void checkRate(double rate, String field) {
        if (rate < 0 || rate > 1) {
            throw new IllegalArgumentException(field + " must be between 0 and 1");
        }
    }

    private static Set<String> operationsOf(JsonObject json) {
        JsonArray ops = json.getJsonArray("operations");
        if (ops == null) {
            return null;
        }
        Set<String> set = new HashSet<>();
        ops.forEach(o -> set.add((String) o));
        return set;
    }

    private record Latency(String distribution, double a, double b, Set<String> operations) {
        static Latency fromJson(JsonObject json) {
            String d = json.getString("distribution", "fixed");
            Latency l = switch (d) {
                case "fixed" -> new Latency(d, json.getDouble("ms", 0.0), 0, operationsOf(json));
                case "uniform" ->
                    new Latency(d, json.getDouble("minMs", 0.0), json.getDouble("maxMs", 0.0), operationsOf(json));
                case "normal" ->
                    new Latency(d, json.getDouble("meanMs", 0.0), json.getDouble("stddevMs", 0.0), operationsOf(json));
                default -> throw new IllegalArgumentException("latency.distribution must be fixed, uniform or normal");
            };
            if (l.a < 0 || l.b < 0 || (d.equals("uniform") && l.b < l.a)) {
                throw new IllegalArgumentException("latency values must be >= 0 (and maxMs >= minMs)");
            }
            return l;
        }

        boolean appliesTo(String operation) {
            return operations == null || operations.contains(operation);
        }

        long sample() {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            double ms = switch (distribution) {
                case "uniform" -> a + r.nextDouble() * (b - a);
                case "normal" -> a + r.nextGaussian() * b;
                default -> a;
            };
            return Math.max(0, Math.round(ms));
        }
    }

    /** One injected error: the status, Azure error code and optional Retry-After it answers with. */
    public static final class ErrorRule {
        private final int status;
        private final String code;
        private final double rate;
        private final Integer retryAfterSeconds;
        private final Set<String> operations;
        private final AtomicLong remaining;

        private ErrorRule(
                int status, String code, double rate, Integer retryAfterSeconds, Set<String> operations, Long count) {
            this.status = status;
            this.code = code;
            this.rate = rate;
            this.retryAfterSeconds = retryAfterSeconds;
            this.operations = operations;
            this.remaining = count == null ? null : new AtomicLong(count);
        }

        static ErrorRule fromJson(JsonObject json) {
            Integer status = json.getInteger("status");
            if (status == null || status < 400 || status > 599) {
                throw new IllegalArgumentException("errors[].status must be an HTTP error status (400..599)");
            }
            double rate = json.getDouble("rate", 1.0);
            checkRate(rate, "errors[].rate");
            String code = json.getString("code", defaultCode(status));
            return new ErrorRule(
                    status,
                    code,
                    rate,
                    json.getInteger("retryAfterSeconds"),
                    operationsOf(json),
                    json.getLong("count"));
        }

        private static String defaultCode(int status) {
            return switch (status) {
                case 429 -> "Throttled";
                case 503 -> "ServiceUnavailable";
                case 500 -> "InternalServerError";
                case 504 -> "GatewayTimeout";
                default -> "InjectedFault";
            };
        }

        boolean fires(String operation) {
            if (operations != null && !operations.contains(operation)) {
                return false;
            }
            if (rate < 1.0 && ThreadLocalRandom.current().nextDouble() >= rate) {
                return false;
            }
            return remaining == null || remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
        }

        public int status() {
            return status;
        }

        public String code() {
            return code;
        }

        public Integer retryAfterSeconds() {
            return retryAfterSeconds;
        }
    }
}
