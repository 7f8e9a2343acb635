package io.strongroom.http;

import io.strongroom.core.error.ErrorCode;

/**
 * The HTTP frontend's one map from core error codes to HTTP statuses. The switch is exhaustive, so a code added to
 * the core does not compile until this frontend has decided how to answer it.
 */
final class HttpStatuses {
    /** The {@code Retry-After} seconds sent with retryable codes: soon, without hammering a struggling gateway. */
    static final int RETRY_AFTER_SECONDS = 1;

    private HttpStatuses() {}

    static int of(ErrorCode code) {
        return switch (code) {
            case InvalidArgument,
                    BadBodyLength,
                    BlockOutOfRange,
                    InvalidAddress,
                    KekNotRsa,
                    KekTooSmall,
                    KekDisabled,
                    KekNotYetActive,
                    KekExpired,
                    KekRoundTripFailed -> 400;
            case Unauthorized -> 401;
            case Forbidden -> 403;
            case VolumeNotFound, SnapshotNotFound, ReplicaNotFound, RouteNotFound -> 404;
            case MethodNotAllowed -> 405;
            case VolumeExists,
                    RolloverInProgress,
                    SnapshotExists,
                    VolumeHasSnapshots,
                    SnapshotInUse,
                    VolumeCloning,
                    ReadOnlyReplica,
                    VolumeLeasedElsewhere,
                    ReplicaExists -> 409;
            case PrimaryUnreachable, PrimaryRefused -> 502;
            case SnapshotsUnsupported -> 501;
            case PayloadTooLarge -> 413;
            case UnsupportedMediaType -> 415;
            case UriTooLong -> 414;
            case HeadersTooLarge -> 431;
            case TooManyRequests -> 429;
            case BlockIntegrityError, InternalError -> 500;
            case VersionNotSupported -> 505;
            case InsufficientStorage -> 507;
            // Temporary conditions (RFC 9110 15.6.4): overload, a key or a store out of reach for now. A revoked key
            // (KeyInaccessible) is 503 too, but without Retry-After: it stays refused until an admin revalidates.
            case KeyInaccessible, KeyUnavailable, StorageUnavailable, RequestTimeout -> 503;
        };
    }
}
