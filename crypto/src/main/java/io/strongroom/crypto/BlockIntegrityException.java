package io.strongroom.crypto;

/**
 * A sealed block failed authentication (tampered, truncated, moved to another address, or sealed
 * under another DEK). Never return such a block's bytes as data. The message names the address only.
 */
public class BlockIntegrityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient BlockAddress address;

    public BlockIntegrityException(BlockAddress address, String reason) {
        this(address, reason, null);
    }

    public BlockIntegrityException(BlockAddress address, String reason, Throwable cause) {
        super(
                "block " + address.blockNumber() + " of volume " + address.volumeId() + " failed integrity check: "
                        + reason,
                cause);
        this.address = address;
    }

    /** The address the caller tried to open the block at. */
    public BlockAddress address() {
        return address;
    }
}
