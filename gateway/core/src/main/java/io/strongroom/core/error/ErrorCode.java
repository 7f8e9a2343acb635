package io.strongroom.core.error;

/**
 * Stable error codes of Strongroom, the same for every frontend. The enum constant name is the code clients see
 * (the HTTP API's JSON {@code code}). A code says what went wrong, not how a transport reports it: each frontend
 * owns one exhaustive map from these codes to its own answers (HTTP statuses, NBD errno values), so a new code
 * does not compile until every frontend has decided how to answer it.
 */
public enum ErrorCode {
    InvalidArgument(false),
    BadBodyLength(false),
    BlockOutOfRange(false),
    InvalidAddress(false),
    PayloadTooLarge(false),
    Unauthorized(false),
    Forbidden(false),
    VolumeNotFound(false),
    VolumeExists(false),
    /** A KEK that is not an RSA key. */
    KekNotRsa(false),
    /** A KEK shorter than 2048 bits. */
    KekTooSmall(false),
    /** A KEK (version) that is disabled. */
    KekDisabled(false),
    /** A KEK whose activation date (nbf) is still ahead. */
    KekNotYetActive(false),
    /** A KEK whose expiry date (exp) has passed. */
    KekExpired(false),
    /** A wrap and unwrap round trip with the KEK failed for the configured identity (permission, key state...). */
    KekRoundTripFailed(false),
    /** A DEK rollover was asked for while the re-seal pass of the previous one is still running. */
    RolloverInProgress(false),
    /** No snapshot of that name on the volume. */
    SnapshotNotFound(false),
    /** The volume has a snapshot of that name already. */
    SnapshotExists(false),
    /**
     * The volume has snapshots and the operation would leave them unreadable: deleting the volume, or a DEK rollover
     * (whose re-seal drops the DEKs the snapshots' blocks are sealed under). Delete the snapshots first.
     */
    VolumeHasSnapshots(false),
    /** The configured storage backend keeps no snapshots. */
    SnapshotsUnsupported(false),
    /** A clone is being made from the snapshot, so it cannot be deleted until the copy is over. */
    SnapshotInUse(false),
    /**
     * The volume is a clone whose blocks are still being copied from its snapshot: it serves no data request and
     * takes no key change or snapshot until the copy is done (its {@code clone.state} says DONE).
     */
    VolumeCloning(false),
    /** A write, trim or volume deletion on a volume that follows a primary as a read replica; promote it first. */
    ReadOnlyReplica(false),
    /**
     * Another gateway writes the volume (it holds the volume's writer lease on storage shared by several gateways):
     * the write, trim or change did not happen here; send it to that gateway, or here once that one has stopped.
     */
    VolumeLeasedElsewhere(false),
    /** No replica of that name on this gateway. */
    ReplicaNotFound(false),
    /** This gateway has a replica (or a volume) of that name already. */
    ReplicaExists(false),
    /** A replica's primary gateway could not be reached (connection refused, timeout). */
    PrimaryUnreachable(false),
    /** A replica's primary gateway refused the replication request (wrong token, unknown volume...). */
    PrimaryRefused(false),
    RouteNotFound(false),
    MethodNotAllowed(false),
    /** A request body in a media type the operation does not take (a JSON route sent a form, say). */
    UnsupportedMediaType(false),
    /** A request line (its target, in practice) longer than the frontend reads. */
    UriTooLong(false),
    /** A request's header block larger than the frontend reads. */
    HeadersTooLarge(false),
    /** A protocol version the frontend does not speak. */
    VersionNotSupported(false),
    /** The frontend's limit of requests in progress is reached. */
    TooManyRequests(true),
    /** The volume's KEK failed for the whole grace period: refused until an administrator revalidates it. */
    KeyInaccessible(false),
    /** The volume's DEK is not unwrapped yet; the gateway keeps retrying in the background. */
    KeyUnavailable(true),
    /** The store is closed, failing or its queue of pending operations is full (backpressure). */
    StorageUnavailable(true),
    RequestTimeout(true),
    /** The storage is full: the write did not happen. Retrying helps only once an operator has made room. */
    InsufficientStorage(false),
    /** Stored data is damaged: a block failed authentication, or a store file is beyond what recovery repairs. */
    BlockIntegrityError(false),
    InternalError(false);

    private final boolean retryable;

    ErrorCode(boolean retryable) {
        this.retryable = retryable;
    }

    /**
     * True when the same request may succeed later without anyone changing anything (overload, a key or a store
     * that is out of reach for now), so a frontend tells its client to back off and retry. False when retrying
     * cannot help until the request or the system is changed: bad input, missing rights, damaged data, a revoked
     * key, a bug.
     */
    public boolean retryable() {
        return retryable;
    }
}
