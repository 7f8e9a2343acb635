package io.strongroom.crypto;

import java.util.Objects;
import java.util.UUID;

/** Where a sealed block belongs: bound into its associated data, so a block moved elsewhere fails to open. */
public record BlockAddress(UUID volumeId, long blockNumber) {
    public BlockAddress {
        Objects.requireNonNull(volumeId, "volumeId");
        if (blockNumber < 0) {
            throw new IllegalArgumentException("blockNumber must be >= 0");
        }
    }
}
