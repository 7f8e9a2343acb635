package io.strongroom.vault.local.http;

import io.strongroom.crypto.KeyWrapAlgorithm;
import io.strongroom.vault.local.errors.VaultError;
import io.strongroom.vault.local.keys.KeySpec;
import io.strongroom.vault.local.keys.KeyUpdate;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Parsing and validation of request bodies; every problem becomes 400 BadParameter. */
final class RequestBodies {
    private RequestBodies() {}

    static JsonObject json(Buffer body) {
        if (body == null || body.length() == 0) {
            throw VaultError.badParameter("A JSON request body is required.");
        }
        try {
            Object value = Json.decodeValue(body);
            if (!(value instanceof JsonObject)) {
                throw VaultError.badParameter("The request body must be a JSON object.");
            }
            return (JsonObject) value;
        } catch (DecodeException e) {
            throw VaultError.badParameter("The request body is not valid JSON.");
        }
    }

    static KeySpec createSpec(JsonObject body) {
        String kty = string(body, "kty");
        if (kty == null) {
            throw VaultError.badParameter("The parameter kty is required.");
        }
        if (!kty.equals("RSA") && !kty.equals("RSA-HSM")) {
            throw VaultError.badParameter("Key type " + kty + " is not supported by this vault (RSA, RSA-HSM).");
        }
        Integer size = integer(body, "key_size");
        int keySize = size == null ? KeySpec.DEFAULT_RSA_SIZE : size;
        if (!KeySpec.RSA_SIZES.contains(keySize)) {
            throw VaultError.badParameter("key_size must be one of " + KeySpec.RSA_SIZES + " for RSA keys.");
        }
        Integer exponent = integer(body, "public_exponent");
        // 0 is what some SDKs send for "not set"
        if (exponent != null && exponent != 0 && exponent != 65537) {
            throw VaultError.badParameter("public_exponent must be 65537.");
        }
        List<String> ops = keyOps(body);
        JsonObject attrs = object(body, "attributes");
        Boolean enabled = attrs == null ? null : bool(attrs, "enabled");
        Optional<Instant> nbf = attrs == null ? null : time(attrs, "nbf");
        Optional<Instant> exp = attrs == null ? null : time(attrs, "exp");
        return new KeySpec(
                kty,
                keySize,
                ops == null ? KeySpec.DEFAULT_RSA_OPS : ops,
                enabled == null || enabled,
                nbf == null ? null : nbf.orElse(null),
                exp == null ? null : exp.orElse(null),
                tags(body));
    }

    static KeyUpdate update(JsonObject body) {
        JsonObject attrs = object(body, "attributes");
        Map<String, String> tags = body.containsKey("tags") ? tags(body) : null;
        return new KeyUpdate(
                attrs == null ? null : bool(attrs, "enabled"),
                attrs == null ? null : time(attrs, "nbf"),
                attrs == null ? null : time(attrs, "exp"),
                keyOps(body),
                tags);
    }

    static KeyWrapAlgorithm algorithm(JsonObject body, boolean allowRsa15) {
        String alg = string(body, "alg");
        if (alg == null) {
            throw VaultError.badParameter("The parameter alg is required.");
        }
        KeyWrapAlgorithm a;
        try {
            a = KeyWrapAlgorithm.fromJwaName(alg);
        } catch (IllegalArgumentException e) {
            throw VaultError.badParameter("Algorithm " + alg + " is not supported (RSA-OAEP-256, RSA-OAEP).");
        }
        if (a == KeyWrapAlgorithm.RSA1_5 && !allowRsa15) {
            throw VaultError.badParameter("Algorithm RSA1_5 is not allowed by this vault's policy.");
        }
        return a;
    }

    /** The base64url {@code value} field (padding and standard base64 tolerated). */
    static byte[] value(JsonObject body) {
        String value = string(body, "value");
        if (value == null || value.isEmpty()) {
            throw VaultError.badParameter("The parameter value is required.");
        }
        String trimmed = value.endsWith("=") ? value.replaceAll("=+$", "") : value;
        try {
            if (trimmed.indexOf('+') >= 0 || trimmed.indexOf('/') >= 0) {
                return Base64.getDecoder().decode(value);
            }
            return Base64.getUrlDecoder().decode(trimmed);
        } catch (IllegalArgumentException e) {
            throw VaultError.badParameter("The parameter value is not valid base64url.");
        }
    }

    private static List<String> keyOps(JsonObject body) {
        if (!body.containsKey("key_ops") || body.getValue("key_ops") == null) {
            return null;
        }
        if (!(body.getValue("key_ops") instanceof JsonArray array)) {
            throw VaultError.badParameter("key_ops must be an array of strings.");
        }
        List<String> ops = new ArrayList<>();
        for (Object o : array) {
            if (!(o instanceof String op) || !KeySpec.KNOWN_OPS.contains(op)) {
                throw VaultError.badParameter("Unknown key operation in key_ops: " + o);
            }
            if (!ops.contains(op)) {
                ops.add(op);
            }
        }
        return ops;
    }

    private static Map<String, String> tags(JsonObject body) {
        JsonObject tags = object(body, "tags");
        Map<String, String> out = new LinkedHashMap<>();
        if (tags != null) {
            for (Map.Entry<String, Object> e : tags) {
                if (!(e.getValue() instanceof String s)) {
                    throw VaultError.badParameter("Tag values must be strings.");
                }
                out.put(e.getKey(), s);
            }
        }
        return out;
    }

    /** Absent → null; JSON null → empty (clear); a number → Unix seconds. */
    private static Optional<Instant> time(JsonObject o, String field) {
        if (!o.containsKey(field)) {
            return null;
        }
        Object v = o.getValue(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Number n)) {
            throw VaultError.badParameter(field + " must be a number of seconds since the epoch.");
        }
        return Optional.of(Instant.ofEpochSecond(n.longValue()));
    }

    private static String string(JsonObject o, String field) {
        Object v = o.getValue(field);
        if (v != null && !(v instanceof String)) {
            throw VaultError.badParameter(field + " must be a string.");
        }
        return (String) v;
    }

    private static Integer integer(JsonObject o, String field) {
        Object v = o.getValue(field);
        if (v != null && !(v instanceof Number)) {
            throw VaultError.badParameter(field + " must be a number.");
        }
        return v == null ? null : ((Number) v).intValue();
    }

    private static Boolean bool(JsonObject o, String field) {
        Object v = o.getValue(field);
        if (v != null && !(v instanceof Boolean)) {
            throw VaultError.badParameter(field + " must be true or false.");
        }
        return (Boolean) v;
    }

    private static JsonObject object(JsonObject o, String field) {
        Object v = o.getValue(field);
        if (v != null && !(v instanceof JsonObject)) {
            throw VaultError.badParameter(field + " must be an object.");
        }
        return (JsonObject) v;
    }
}
