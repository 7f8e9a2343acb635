package io.strongroom.vault.impl;

import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyProperties;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Reads Key Vault JSON: key bundles, list items, wrap/unwrap results; base64url without padding. */
public final class KeyBundles {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64URL_DECODER = Base64.getUrlDecoder();

    private KeyBundles() {}

    public static String base64Url(byte[] bytes) {
        return B64URL.encodeToString(bytes);
    }

    /** Decodes base64url with or without padding; IllegalArgumentException on bad input. */
    public static byte[] fromBase64Url(String text) {
        return B64URL_DECODER.decode(text);
    }

    /** {@code {"key":{kid,kty,key_ops,n,e},"attributes":{...}}} → properties, key size from n. */
    public static KeyProperties fromKeyBundle(JsonObject bundle) {
        JsonObject key = required(bundle.getJsonObject("key"), "key");
        KeyId kid = KeyId.parse(requiredString(key, "kid"));
        String n = key.getString("n");
        int bits = n == null ? 0 : new BigInteger(1, fromBase64Url(n)).bitLength();
        List<String> ops = new ArrayList<>();
        JsonArray keyOps = key.getJsonArray("key_ops");
        if (keyOps != null) {
            for (Object op : keyOps) {
                ops.add(String.valueOf(op));
            }
        }
        return withAttributes(kid, key.getString("kty"), bits, ops, bundle.getJsonObject("attributes"));
    }

    /** {@code {"kid":..., "attributes":{...}}} from list answers: no key material. */
    public static KeyProperties fromListItem(JsonObject item) {
        KeyId kid = KeyId.parse(requiredString(item, "kid"));
        return withAttributes(kid, null, 0, List.of(), item.getJsonObject("attributes"));
    }

    private static KeyProperties withAttributes(KeyId kid, String kty, int bits, List<String> ops, JsonObject attrs) {
        JsonObject a = attrs == null ? new JsonObject() : attrs;
        return new KeyProperties(
                kid,
                kty,
                bits,
                ops,
                a.getBoolean("enabled", Boolean.TRUE),
                epoch(a, "nbf"),
                epoch(a, "exp"),
                epoch(a, "created"),
                epoch(a, "updated"),
                a.getString("recoveryLevel"),
                a.getInteger("recoverableDays"));
    }

    private static Instant epoch(JsonObject attrs, String field) {
        Object v = attrs.getValue(field);
        return v instanceof Number num ? Instant.ofEpochSecond(num.longValue()) : null;
    }

    private static <T> T required(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("missing " + field);
        }
        return value;
    }

    private static String requiredString(JsonObject o, String field) {
        return required(o.getString(field), field);
    }
}
