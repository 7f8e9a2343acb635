package io.strongroom.crypto;

/**
 * A sealed block failed authentication (tampered, truncated, moved to another address, or sealed
 * under another DEK). Never return such a block's bytes as data. The message names the address only.
 */
public class BlockIntegrityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient BlockAddress address;

    public BlockIntegrityException(BlockAddress address, String reason) {
        super("block " + address.blockNumber() + " of volume " + address.volumeId() + " failed integrity check: " + reason);
        this.address = address;
    }

    public BlockIntegrityException(BlockAddress address, String reason, Throwable cause) {
        this(address, reason);
        initCause(cause);
    }

    /** The address the caller tried to open the block at. */
    public BlockAddress address() {
        return address;
    }
}
