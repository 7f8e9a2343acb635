package io.strongroom.vault.local.http;

import io.vertx.core.json.JsonObject;

/**
 * A successful answer: status, JSON body (null for no content) and, for the audit line, the key
 * version the operation used (null when it concerns no single version).
 */
record Reply(int status, JsonObject body, String keyVersion) {
    static Reply ok(JsonObject body, String keyVersion) {
        return new Reply(200, body, keyVersion);
    }

    static Reply list(JsonObject page) {
        return new Reply(200, page, null);
    }

    static Reply noContent() {
        return new Reply(204, null, null);
    }
}
