package io.strongroom.core.error;

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
    /** A KEK that is not an RSA key. */
    KekNotRsa(400),
    /** A KEK shorter than 2048 bits. */
    KekTooSmall(400),
    /** A KEK (version) that is disabled. */
    KekDisabled(400),
    /** A KEK whose activation date (nbf) is still ahead. */
    KekNotYetActive(400),
    /** A KEK whose expiry date (exp) has passed. */
    KekExpired(400),
    /** A wrap and unwrap round trip with the KEK failed for the configured identity (permission, key state...). */
    KekRoundTripFailed(400),
    /** A DEK rollover was asked for while the re-seal pass of the previous one is still running. */
    RolloverInProgress(409),
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
