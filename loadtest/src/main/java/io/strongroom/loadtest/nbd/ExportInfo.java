package io.strongroom.loadtest.nbd;

/**
 * What the server said about an export in {@code NBD_OPT_GO}: its size, transmission flags and block sizes
 * (0 when the server sent no {@code NBD_INFO_BLOCK_SIZE}).
 */
public record ExportInfo(
        long sizeBytes, int transmissionFlags, int minimumBlock, int preferredBlock, int maximumBlock) {

    public boolean readOnly() {
        return (transmissionFlags & Nbd.TFLAG_READ_ONLY) != 0;
    }

    public boolean canFlush() {
        return (transmissionFlags & Nbd.TFLAG_SEND_FLUSH) != 0;
    }

    public boolean canFua() {
        return (transmissionFlags & Nbd.TFLAG_SEND_FUA) != 0;
    }
}
