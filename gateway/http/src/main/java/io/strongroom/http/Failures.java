package io.strongroom.http;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** Turns failures into core error codes and renders the JSON error body {@code {"error":{"code","message"}}}. */
final class Failures {
    private static final System.Logger LOG = System.getLogger(Failures.class.getName());

    private Failures() {}

    /**
     * The {@link StrongroomException} for any failure. Known failures (a StrongroomException, or a store failure the
     * core maps by reason) keep their code and message; anything else is a bug: logged (messages carry no secrets by
     * contract) and answered InternalError without its text.
     */
    static StrongroomException toStrongroom(Throwable failure) {
        StrongroomException known = StrongroomException.known(failure);
        if (known != null) {
            return known;
        }
        LOG.log(System.Logger.Level.WARNING, "unexpected failure answered as InternalError", failure);
        return new StrongroomException(ErrorCode.InternalError, "internal error");
    }

    static Buffer body(ErrorCode code, String message) {
        return new JsonObject()
                .put("error", new JsonObject().put("code", code.name()).put("message", message))
                .toBuffer();
    }
}
