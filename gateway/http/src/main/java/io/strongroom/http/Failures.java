package io.strongroom.http;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.store.BlockStoreException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** Maps failures to error codes and renders the JSON error body {@code {"error":{"code","message"}}}. */
final class Failures {
    private static final System.Logger LOG = System.getLogger(Failures.class.getName());

    private Failures() {}

    /**
     * The {@link StrongroomException} for any failure. Storage exceptions that reach the HTTP layer are mapped by
     * reason; anything else is a bug: logged (messages carry no secrets by contract) and answered InternalError.
     */
    static StrongroomException toGateway(Throwable failure) {
        if (failure instanceof StrongroomException g) {
            return g;
        }
        if (failure instanceof BlockStoreException s) {
            ErrorCode code = switch (s.reason()) {
                case UNKNOWN_VOLUME -> ErrorCode.VolumeNotFound;
                case OUT_OF_RANGE -> ErrorCode.BlockOutOfRange;
                case BAD_LENGTH -> ErrorCode.BadBodyLength;
                case TOO_LARGE -> ErrorCode.PayloadTooLarge;
                case VOLUME_EXISTS -> ErrorCode.VolumeExists;
                case INVALID_ARGUMENT -> ErrorCode.InvalidArgument;
                case QUEUE_FULL, CLOSED, IO_ERROR -> ErrorCode.StorageUnavailable;
                case CORRUPT -> ErrorCode.InternalError;
            };
            return new StrongroomException(code, s.getMessage());
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
