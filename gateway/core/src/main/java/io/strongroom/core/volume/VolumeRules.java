package io.strongroom.core.volume;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import java.util.Set;
import java.util.regex.Pattern;

/** The validation rules for volume specs and block addresses, each failing with its own error code. */
final class VolumeRules {
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    static final Set<Integer> BLOCK_SIZES = Set.of(4096, 8192, 16384, 32768);

    private VolumeRules() {}

    /** Checks a spec; returns the block size to use. */
    static int validate(VolumeSpec spec) {
        if (spec.name() == null || !NAME.matcher(spec.name()).matches()) {
            throw invalid("volume name must match [a-z0-9][a-z0-9._-]{0,62}");
        }
        int blockSize = spec.effectiveBlockSize();
        if (!BLOCK_SIZES.contains(blockSize)) {
            throw invalid("blockSize must be 4096, 8192, 16384 or 32768, not " + spec.blockSize());
        }
        if (spec.sizeBytes() <= 0 || spec.sizeBytes() % blockSize != 0) {
            throw invalid("sizeBytes must be a positive multiple of the block size " + blockSize + ", not "
                    + spec.sizeBytes());
        }
        return blockSize;
    }

    /** Checks that {@code [first, first + count)} is a non-empty run inside a volume of {@code blockCount} blocks. */
    static void checkRun(String volume, long blockCount, long first, long count) {
        if (count <= 0) {
            throw invalid("block count must be positive, not " + count);
        }
        if (first < 0 || first >= blockCount || count > blockCount - first) {
            throw new StrongroomException(
                    ErrorCode.BlockOutOfRange,
                    "blocks " + first + ".." + (first + count - 1) + " are outside volume " + volume + " (" + blockCount
                            + " blocks)");
        }
    }

    /** Number of blocks in a write payload; BadBodyLength unless a positive multiple of the block size. */
    static int blocksIn(int payloadLength, int blockSize) {
        if (payloadLength <= 0 || payloadLength % blockSize != 0) {
            throw new StrongroomException(
                    ErrorCode.BadBodyLength,
                    "body must be a positive multiple of the block size " + blockSize + " bytes, got " + payloadLength);
        }
        return payloadLength / blockSize;
    }

    private static StrongroomException invalid(String message) {
        return new StrongroomException(ErrorCode.InvalidArgument, message);
    }
}
