package io.strongroom.core.volume;

import org.jspecify.annotations.Nullable;

/**
 * What a client asks for when creating a volume.
 *
 * @param name           [a-z0-9][a-z0-9._-]{0,62}
 * @param sizeBytes      > 0 and a multiple of the block size
 * @param blockSize      4096, 8192, 16384 or 32768; 0 means {@link #DEFAULT_BLOCK_SIZE}
 * @param kekId     key identifier URL of a customer KEK (versioned or not); null = the service KEK
 * @param identity  name of the configured identity used to reach that KEK; null = the default identity
 */
public record VolumeSpec(
        String name,
        long sizeBytes,
        int blockSize,
        @Nullable String kekId,
        @Nullable String identity) {
    public static final int DEFAULT_BLOCK_SIZE = 8192;

    /** A volume with the default block size under the service KEK. */
    public VolumeSpec(String name, long sizeBytes) {
        this(name, sizeBytes, DEFAULT_BLOCK_SIZE, null, null);
    }

    /** The block size to use: {@link #blockSize()} or the default when it is 0. */
    public int effectiveBlockSize() {
        return blockSize == 0 ? DEFAULT_BLOCK_SIZE : blockSize;
    }
}
