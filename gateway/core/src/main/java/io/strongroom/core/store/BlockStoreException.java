package io.strongroom.core.store;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Why a store operation was refused or failed. Messages name volumes and blocks, never slot contents. */
public class BlockStoreException extends RuntimeException {

    /** Stable causes, so the layers above can map them (e.g. to HTTP statuses) without parsing messages. */
    public enum Reason {
        /** No such volume (never created, deleted, or being deleted). */
        UNKNOWN_VOLUME,
        /** createVolume for an id that exists. */
        VOLUME_EXISTS,
        /** No such snapshot of the volume (never taken, or deleted). */
        UNKNOWN_SNAPSHOT,
        /** createSnapshot for an id or a name the volume has already. */
        SNAPSHOT_EXISTS,
        /** The backend does not keep snapshots. */
        UNSUPPORTED,
        /** A block address or run outside [0, blockCount). */
        OUT_OF_RANGE,
        /** A payload length that is not a positive multiple of the slot size, or a non-positive count. */
        BAD_LENGTH,
        /** A bad geometry or other argument (slot size, block count, null). */
        INVALID_ARGUMENT,
        /** One request larger than the store accepts at once. */
        TOO_LARGE,
        /** The bounded queue of pending writes is full: back off and retry. */
        QUEUE_FULL,
        /** The store was closed. */
        CLOSED,
        /**
         * Another gateway holds the volume's writer lease (a store shared by several gateways): write through that
         * gateway, or through this one once the other has stopped. Nothing was written.
         */
        LEASED_ELSEWHERE,
        /** The file system failed; the operation may not have happened. */
        IO_ERROR,
        /** The file system is full; the operation may not have happened. */
        NO_SPACE,
        /** A store file is damaged beyond what recovery repairs. */
        CORRUPT
    }

    private final Reason reason;

    public BlockStoreException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public BlockStoreException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public static BlockStoreException unknownVolume(UUID volumeId) {
        return new BlockStoreException(Reason.UNKNOWN_VOLUME, "unknown volume " + volumeId);
    }

    public static BlockStoreException unknownSnapshot(UUID volumeId, UUID snapshotId) {
        return new BlockStoreException(
                Reason.UNKNOWN_SNAPSHOT, "volume " + volumeId + " has no snapshot " + snapshotId);
    }

    /**
     * INVALID_ARGUMENT for a volume geometry no store takes (no id, a slot size outside 1..{@code maxSlotSize}, a
     * block count below 1 or whose bytes overflow), or null when it is fine: the check every {@code createVolume}
     * makes first.
     */
    public static @Nullable BlockStoreException badGeometry(
            @Nullable UUID volumeId, int slotSize, long blockCount, int maxSlotSize) {
        if (volumeId != null
                && slotSize > 0
                && slotSize <= maxSlotSize
                && blockCount > 0
                && blockCount <= Long.MAX_VALUE / 2 / slotSize) {
            return null;
        }
        return new BlockStoreException(
                Reason.INVALID_ARGUMENT,
                "bad volume geometry: slot size " + slotSize + " (1.." + maxSlotSize + "), block count " + blockCount);
    }

    public static BlockStoreException closed() {
        return new BlockStoreException(Reason.CLOSED, "block store is closed");
    }
}
