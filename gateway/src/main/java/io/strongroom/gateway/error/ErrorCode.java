package io.strongroom.gateway.error;

/**
 * Stable error codes of the gateway API. The enum constant name is the JSON {@code code}; the HTTP status
 * is fixed per code so every frontend answers a cause the same way.
 */
public enum ErrorCode {
  InvalidArgument(400),
  BadBodyLength(400),
  BlockOutOfRange(400),
  InvalidAddress(400),
  PayloadTooLarge(413),
  Unauthorized(401),
  Forbidden(403),
  VolumeNotFound(404),
  VolumeExists(409),
  RouteNotFound(404),
  MethodNotAllowed(405),
  TooManyRequests(429),
  KeyInaccessible(503),
  KeyUnavailable(503),
  StorageUnavailable(503),
  RequestTimeout(503),
  BlockIntegrityError(500),
  InternalError(500);

  private final int httpStatus;

  ErrorCode(int httpStatus) {
    this.httpStatus = httpStatus;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
