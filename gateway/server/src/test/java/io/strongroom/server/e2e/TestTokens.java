package io.strongroom.server.e2e;

import io.strongroom.core.auth.TokenStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Known tokens with one role each, written as hashes to tokens.json before the gateway starts. */
final class TestTokens {
    static final String ADMIN = "test-admin-token-0123456789abcdef0123456789abcdef";
    static final String DATA_A = "test-data-a-token-0123456789abcdef0123456789abcdef";
    static final String DATA_ALL = "test-data-all-token-0123456789abcdef0123456789abcd";
    static final String VOLUME_ADMIN = "test-volume-admin-token-0123456789abcdef012345678";
    static final String KEY_ADMIN = "test-key-admin-token-0123456789abcdef0123456789ab";
    static final String REPLICATION = "test-replication-token-0123456789abcdef0123456789";

    private TestTokens() {}

    static void write(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        JsonArray tokens = new JsonArray()
                .add(entry(
                        "admin",
                        ADMIN,
                        new JsonArray().add("data").add("volume-admin").add("key-admin"),
                        "*"))
                .add(entry("data-a", DATA_A, new JsonArray().add("data"), "a"))
                .add(entry("data-all", DATA_ALL, new JsonArray().add("data"), "*"))
                .add(entry("volume-admin", VOLUME_ADMIN, new JsonArray().add("volume-admin"), "*"))
                .add(entry("key-admin", KEY_ADMIN, new JsonArray().add("key-admin"), "*"))
                .add(entry("replication", REPLICATION, new JsonArray().add("replication"), "*"));
        Files.writeString(
                dataDir.resolve("tokens.json"),
                new JsonObject().put("version", 1).put("tokens", tokens).encodePrettily());
    }

    private static JsonObject entry(String name, String token, JsonArray roles, String volume) {
        return new JsonObject()
                .put("name", name)
                .put("sha256", TokenStore.hashHex(token))
                .put("roles", roles)
                .put("volumes", new JsonArray().add(volume));
    }
}
