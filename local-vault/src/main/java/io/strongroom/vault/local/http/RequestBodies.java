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
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Parsing and validation of request bodies; every problem becomes 400 BadParameter. */
public final class RequestBodies {
    private RequestBodies() {}

    public static JsonObject json(Buffer body) {
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

    /** An RSA key to import: its spec (type, size, operations, attributes, tags) and its material. */
    record ImportedKey(KeySpec spec, RSAPublicKey publicKey, RSAPrivateCrtKey privateKey) {
        @Override
        public String toString() {
            return "ImportedKey[" + spec.kty() + " " + spec.keySize() + "]";
        }
    }

    /**
     * Azure's import body: {@code {"key": JWK, "Hsm", "attributes", "tags"}}. The JWK must be an RSA private key
     * (n, e, d, p, q, dp, dq, qi in base64url) whose parts agree and whose size this vault serves. Messages never
     * echo key material.
     */
    static ImportedKey importedKey(JsonObject body) {
        JsonObject jwk = object(body, "key");
        if (jwk == null) {
            throw VaultError.badParameter("The parameter key (a JSON web key) is required.");
        }
        String kty = string(jwk, "kty");
        if (!"RSA".equals(kty) && !"RSA-HSM".equals(kty)) {
            throw VaultError.badParameter("Key type " + kty + " cannot be imported into this vault (RSA, RSA-HSM).");
        }
        BigInteger n = bigInteger(jwk, "n");
        BigInteger e = bigInteger(jwk, "e");
        BigInteger d = bigInteger(jwk, "d");
        BigInteger p = bigInteger(jwk, "p");
        BigInteger q = bigInteger(jwk, "q");
        BigInteger dp = bigInteger(jwk, "dp");
        BigInteger dq = bigInteger(jwk, "dq");
        BigInteger qi = bigInteger(jwk, "qi");
        if (!KeySpec.RSA_SIZES.contains(n.bitLength())) {
            throw VaultError.badParameter("An imported RSA key must have " + KeySpec.RSA_SIZES + " bits.");
        }
        BigInteger one = BigInteger.ONE;
        boolean consistent = p.multiply(q).equals(n)
                && dp.equals(d.mod(p.subtract(one)))
                && dq.equals(d.mod(q.subtract(one)))
                && qi.multiply(q).mod(p).equals(one)
                && e.multiply(d).mod(p.subtract(one)).equals(one)
                && e.multiply(d).mod(q.subtract(one)).equals(one);
        if (!consistent) {
            throw VaultError.badParameter("The key's RSA parameters do not form one key pair.");
        }
        RSAPublicKey publicKey;
        RSAPrivateCrtKey privateKey;
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            publicKey = (RSAPublicKey) rsa.generatePublic(new RSAPublicKeySpec(n, e));
            privateKey = (RSAPrivateCrtKey) rsa.generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, p, q, dp, dq, qi));
        } catch (GeneralSecurityException ex) {
            throw VaultError.badParameter("The key's RSA parameters are not a valid key.");
        }
        Boolean hsm = bool(body, "Hsm");
        List<String> ops = keyOps(jwk);
        JsonObject attrs = object(body, "attributes");
        Boolean enabled = attrs == null ? null : bool(attrs, "enabled");
        Optional<Instant> nbf = attrs == null ? null : time(attrs, "nbf");
        Optional<Instant> exp = attrs == null ? null : time(attrs, "exp");
        KeySpec spec = new KeySpec(
                Boolean.TRUE.equals(hsm) ? "RSA-HSM" : kty,
                n.bitLength(),
                ops == null || ops.isEmpty() ? KeySpec.DEFAULT_RSA_OPS : ops,
                enabled == null || enabled,
                nbf == null ? null : nbf.orElse(null),
                exp == null ? null : exp.orElse(null),
                tags(body));
        return new ImportedKey(spec, publicKey, privateKey);
    }

    private static BigInteger bigInteger(JsonObject jwk, String field) {
        String v = string(jwk, field);
        if (v == null || v.isEmpty()) {
            throw VaultError.badParameter("An RSA key to import needs " + field + " (n, e, d, p, q, dp, dq, qi).");
        }
        try {
            return new BigInteger(1, Base64.getUrlDecoder().decode(v.replaceAll("=+$", "")));
        } catch (IllegalArgumentException ex) {
            throw VaultError.badParameter("The key's " + field + " is not valid base64url.");
        }
    }

    static KeyUpdate update(JsonObject body) {
        JsonObject attrs = object(body, "attributes");
        Map<String, String> tags = body.containsKey("tags") ? tags(body) : null;
        List<String> ops = keyOps(body);
        return new KeyUpdate(
                attrs == null ? null : bool(attrs, "enabled"),
                attrs == null ? null : time(attrs, "nbf"),
                attrs == null ? null : time(attrs, "exp"),
                // An empty list leaves the operations as they are, as Azure does: the Java SDK sends [] with every
                // properties update that names no operations.
                ops == null || ops.isEmpty() ? null : ops,
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

    public static String string(JsonObject o, String field) {
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
