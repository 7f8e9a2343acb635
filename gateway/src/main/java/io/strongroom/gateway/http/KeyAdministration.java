package io.strongroom.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Key-admin operations behind the {@code key-admin} routes (issue 5 adds KEK change and rotation). */
public interface KeyAdministration {
  /** Checks the volume's KEK now and unwraps its DEKs again if needed; the resulting key state as JSON. */
  Future<JsonObject> revalidate(String volume);
}
