package io.strongroom.vault.local.http;

import io.vertx.core.json.JsonObject;

/** A successful answer: status and JSON body (null for no content). */
record Reply(int status, JsonObject body) {
    static Reply ok(JsonObject body) {
        return new Reply(200, body);
    }

    static Reply noContent() {
        return new Reply(204, null);
    }
}
