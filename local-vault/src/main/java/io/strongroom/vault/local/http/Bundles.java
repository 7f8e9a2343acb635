package io.strongroom.vault.local.http;

import io.strongroom.vault.local.keys.KeyFileStore;
import io.strongroom.vault.local.keys.KeyVersion;
import io.strongroom.vault.local.keys.VaultKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;

/**
 * The wire JSON of Azure Key Vault key objects: KeyBundle, KeyItem, DeletedKeyBundle and
 * DeletedKeyItem. Public key material only (JWK kid/kty/key_ops/n/e, base64url without padding);
 * times in Unix seconds.
 */
final class Bundles {
    private static final Base64.Encoder B64U = Base64.getUrlEncoder().withoutPadding();

    private final String vaultUrl;
    private final String recoveryLevel;
    private final int recoverableDays;

    Bundles(String vaultUrl, String recoveryLevel, int recoverableDays) {
        this.vaultUrl = vaultUrl;
        this.recoveryLevel = recoveryLevel;
        this.recoverableDays = recoverableDays;
    }

    String kid(String name, String version) {
        return vaultUrl + "/keys/" + name + (version == null ? "" : "/" + version);
    }

    JsonObject keyBundle(String name, KeyVersion v) {
        JsonObject jwk = new JsonObject()
                .put("kid", kid(name, v.version()))
                .put("kty", v.kty())
                .put("key_ops", new JsonArray(new ArrayList<>(v.keyOps())))
                .put(
                        "n",
                        B64U.encodeToString(KeyFileStore.unsigned(v.publicKey().getModulus())))
                .put(
                        "e",
                        B64U.encodeToString(KeyFileStore.unsigned(v.publicKey().getPublicExponent())));
        return withTags(new JsonObject().put("key", jwk).put("attributes", attributes(v)), v);
    }

    /** A list entry: {@code version} null gives the versionless kid of a list-keys item. */
    JsonObject keyItem(String name, String version, KeyVersion v) {
        return withTags(new JsonObject().put("kid", kid(name, version)).put("attributes", attributes(v)), v);
    }

    JsonObject deletedKeyBundle(VaultKey key) {
        return deletion(keyBundle(key.name(), key.latest()), key);
    }

    JsonObject deletedKeyItem(VaultKey key) {
        return deletion(keyItem(key.name(), null, key.latest()), key);
    }

    private JsonObject deletion(JsonObject json, VaultKey key) {
        return json.put("recoveryId", vaultUrl + "/deletedkeys/" + key.name())
                .put("deletedDate", seconds(key.deletedDate()))
                .put("scheduledPurgeDate", seconds(key.scheduledPurgeDate()));
    }

    private JsonObject attributes(KeyVersion v) {
        JsonObject a = new JsonObject().put("enabled", v.enabled());
        if (v.notBefore() != null) {
            a.put("nbf", seconds(v.notBefore()));
        }
        if (v.expires() != null) {
            a.put("exp", seconds(v.expires()));
        }
        return a.put("created", seconds(v.created()))
                .put("updated", seconds(v.updated()))
                .put("recoveryLevel", recoveryLevel)
                .put("recoverableDays", recoverableDays)
                .put("exportable", false);
    }

    private static JsonObject withTags(JsonObject json, KeyVersion v) {
        if (!v.tags().isEmpty()) {
            json.put("tags", new JsonObject(new LinkedHashMap<>(v.tags())));
        }
        return json;
    }

    private static long seconds(Instant t) {
        return t.getEpochSecond();
    }
}
