package io.strongroom.core.error;

import io.strongroom.core.store.BlockStoreException;

/**
 * The one map from storage failures ({@link BlockStoreException.Reason}) to error codes: the volume service and
 * every frontend answer a store's failure the same way.
 */
public final class StorageErrorCodes {
    private StorageErrorCodes() {}

    /**
     * The code for a store's reason. A full queue is backpressure, so it is {@link ErrorCode#StorageUnavailable}
     * (retryable: back off and retry) and not {@link ErrorCode#TooManyRequests}, which means the frontend's own
     * request limit. A damaged store file is {@link ErrorCode#BlockIntegrityError}: data damage, which retrying does
     * not cure, and not a bug either. A volume another gateway writes is {@link ErrorCode#VolumeLeasedElsewhere}, not
     * an outage: this gateway and the storage are fine, the request belongs to the other gateway.
     */
    public static ErrorCode of(BlockStoreException.Reason reason) {
        return switch (reason) {
            case UNKNOWN_VOLUME -> ErrorCode.VolumeNotFound;
            case VOLUME_EXISTS -> ErrorCode.VolumeExists;
            case UNKNOWN_SNAPSHOT -> ErrorCode.SnapshotNotFound;
            case SNAPSHOT_EXISTS -> ErrorCode.SnapshotExists;
            case UNSUPPORTED -> ErrorCode.SnapshotsUnsupported;
            case OUT_OF_RANGE -> ErrorCode.BlockOutOfRange;
            case BAD_LENGTH -> ErrorCode.BadBodyLength;
            case INVALID_ARGUMENT -> ErrorCode.InvalidArgument;
            case TOO_LARGE -> ErrorCode.PayloadTooLarge;
            case QUEUE_FULL, CLOSED, IO_ERROR -> ErrorCode.StorageUnavailable;
            case LEASED_ELSEWHERE -> ErrorCode.VolumeLeasedElsewhere;
            case NO_SPACE -> ErrorCode.InsufficientStorage;
            case CORRUPT -> ErrorCode.BlockIntegrityError;
        };
    }
}
