package io.strongroom.core.volume;

import io.strongroom.crypto.DekId;
import io.strongroom.crypto.WrappedDek;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The persisted description of a volume (layout in {@link VolumeMetadataCodec} and docs/FORMAT.md,
 * "Volume metadata"). Immutable; a change writes a whole new document atomically.
 *
 * @param kekId     versioned key identifier URL of the KEK that wrapped the DEKs
 * @param identity  name of the configured identity used to reach the KEK
 * @param activeDek the DEK that seals new writes; one of {@code deks}
 * @param deks      every DEK that may have sealed a block of this volume, with its seal reservation
 * @param autoFollow whether the volume follows new versions of its KEK on its own (re-wraps when one appears)
 * @param reseal    progress of the background re-seal after a DEK rollover, null when none is running
 * @param origin    the snapshot this volume was cloned from, and whether the copy finished; null for a volume
 *                  created empty
 */
record VolumeMetadata(
        UUID id,
        String name,
        long sizeBytes,
        int blockSize,
        Instant created,
        String kekId,
        String identity,
        DekId activeDek,
        List<DekRecord> deks,
        boolean autoFollow,
        ResealProgress reseal,
        CloneOrigin origin) {

    /** A volume without auto-follow and without a re-seal in progress. */
    VolumeMetadata(
            UUID id,
            String name,
            long sizeBytes,
            int blockSize,
            Instant created,
            String kekId,
            String identity,
            DekId activeDek,
            List<DekRecord> deks) {
        this(id, name, sizeBytes, blockSize, created, kekId, identity, activeDek, deks, false, null, null);
    }

    VolumeMetadata {
        deks = List.copyOf(deks);
        DekId active = activeDek;
        if (deks.stream().noneMatch(d -> d.wrapped().dekId().equals(active))) {
            throw new IllegalArgumentException("active DEK " + activeDek + " is not among the volume's DEKs");
        }
    }

    /** A copy of this document whose clone origin is {@code clonedFrom}. */
    VolumeMetadata withOrigin(CloneOrigin clonedFrom) {
        return new VolumeMetadata(
                id,
                name,
                sizeBytes,
                blockSize,
                created,
                kekId,
                identity,
                activeDek,
                deks,
                autoFollow,
                reseal,
                clonedFrom);
    }

    long blockCount() {
        return sizeBytes / blockSize;
    }

    /**
     * One DEK of the volume.
     *
     * @param reservedUntil seals of this DEK reserved so far: the count of seals ever done is below it, across
     *                      restarts and crashes (the DEK is adopted at start-up with this as its count)
     * @param created       when the DEK was generated (a rotation re-wraps it, which does not make it younger)
     */
    record DekRecord(WrappedDek wrapped, long reservedUntil, Instant created) {
        /** A DEK generated when it was first wrapped. */
        DekRecord(WrappedDek wrapped, long reservedUntil) {
            this(wrapped, reservedUntil, wrapped.created());
        }
    }
}
