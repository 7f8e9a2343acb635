package io.strongroom.nbd;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;

/** The one map from the core's error codes to the error values of NBD replies (docs/NBD.md lists it). */
final class NbdErrors {
    private NbdErrors() {}

    /**
     * The reply error for a core code. A bad range or request is EINVAL; a full disk ENOSPC; missing rights, and a
     * write this gateway may not make (a replica's volume, one another gateway writes), EPERM; everything that keeps
     * the data from being read or written (a key INACCESSIBLE or not unwrapped yet, the store unavailable or damaged,
     * a volume deleted under the connection) EIO, the error a block device reports. Codes only an administrative
     * request can cause are EINVAL, as a request the server did not expect.
     */
    static int of(ErrorCode code) {
        return switch (code) {
            case InvalidArgument, BadBodyLength, BlockOutOfRange, InvalidAddress, PayloadTooLarge -> NbdProtocol.EINVAL;
            case Unauthorized, Forbidden, ReadOnlyReplica, VolumeLeasedElsewhere -> NbdProtocol.EPERM;
            case InsufficientStorage -> NbdProtocol.ENOSPC;
            case KeyInaccessible,
                    KeyUnavailable,
                    StorageUnavailable,
                    RequestTimeout,
                    TooManyRequests,
                    BlockIntegrityError,
                    VolumeNotFound,
                    VolumeCloning,
                    PrimaryUnreachable,
                    PrimaryRefused,
                    InternalError -> NbdProtocol.EIO;
            case VolumeExists,
                    KekNotRsa,
                    KekTooSmall,
                    KekDisabled,
                    KekNotYetActive,
                    KekExpired,
                    KekRoundTripFailed,
                    RolloverInProgress,
                    SnapshotNotFound,
                    SnapshotExists,
                    VolumeHasSnapshots,
                    SnapshotInUse,
                    SnapshotsUnsupported,
                    ReplicaNotFound,
                    ReplicaExists,
                    RouteNotFound,
                    MethodNotAllowed,
                    UnsupportedMediaType,
                    UriTooLong,
                    HeadersTooLarge,
                    VersionNotSupported -> NbdProtocol.EINVAL;
        };
    }

    /** The reply error for any failure: {@link NbdRequestError}'s own, a core or store code's, else EIO. */
    static int of(Throwable failure) {
        if (failure instanceof NbdRequestError e) {
            return e.error();
        }
        StrongroomException known = StrongroomException.known(failure);
        return known != null ? of(known.code()) : NbdProtocol.EIO;
    }
}
