package io.strongroom.core.keys;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Key-admin operations behind the {@code key-admin} routes. */
public interface KeyAdministration {
    /** Checks the volume's KEK now and unwraps its DEKs again if needed; the resulting key state as JSON. */
    Future<JsonObject> revalidate(String volume);

    /** Revalidates a KEK (versionless key URL) under one identity or every identity using it: {"keks":[...]}. */
    Future<JsonObject> revalidateKek(String kekUrl, String identityOrNull);

    /** The most recent activity events, newest first: {"events":[...]}. */
    Future<JsonObject> activity(String volumeOrNull, String kekOrNull, int limit);
}
