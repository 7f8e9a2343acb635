package io.strongroom.gateway.http;

import io.strongroom.gateway.error.ErrorCode;
import io.strongroom.gateway.error.GatewayException;
import io.strongroom.gateway.store.BlockStoreException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** Maps failures to error codes and renders the JSON error body {@code {"error":{"code","message"}}}. */
final class Failures {
  private static final System.Logger LOG = System.getLogger(Failures.class.getName());

  private Failures() {}

  /**
   * The {@link GatewayException} for any failure. Storage exceptions that reach the HTTP layer are mapped by
   * reason; anything else is a bug: logged (messages carry no secrets by contract) and answered InternalError.
   */
  static GatewayException toGateway(Throwable failure) {
    if (failure instanceof GatewayException g) {
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
      return new GatewayException(code, s.getMessage());
    }
    LOG.log(System.Logger.Level.WARNING, "unexpected failure answered as InternalError", failure);
    return new GatewayException(ErrorCode.InternalError, "internal error");
  }

  static Buffer body(ErrorCode code, String message) {
    return new JsonObject()
        .put("error", new JsonObject().put("code", code.name()).put("message", message))
        .toBuffer();
  }
}
