package io.strongroom.loadtest.nbd;

/**
 * The constants of the NBD protocol this client uses (doc/proto.md of the NBD project): the fixed newstyle
 * handshake with {@code NBD_OPT_GO}, simple replies, and the READ, WRITE, FLUSH and DISC commands.
 */
final class Nbd {

    static final long NBDMAGIC = 0x4e42444d41474943L;
    static final long IHAVEOPT = 0x49484156454F5054L;
    static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;
    static final int REQUEST_MAGIC = 0x25609513;
    static final int SIMPLE_REPLY_MAGIC = 0x67446698;
    static final int STRUCTURED_REPLY_MAGIC = 0x668e33ef;

    /** Handshake flags (server) and client flags. */
    static final int FLAG_FIXED_NEWSTYLE = 1;

    static final int FLAG_NO_ZEROES = 1 << 1;

    static final int OPT_GO = 7;
    static final int REP_ACK = 1;
    static final int REP_INFO = 3;
    static final int REP_FLAG_ERROR = 1 << 31;
    static final int INFO_EXPORT = 0;
    static final int INFO_BLOCK_SIZE = 3;

    /** Transmission flags. */
    static final int TFLAG_READ_ONLY = 1 << 1;

    static final int TFLAG_SEND_FLUSH = 1 << 2;
    static final int TFLAG_SEND_FUA = 1 << 3;

    static final short CMD_READ = 0;
    static final short CMD_WRITE = 1;
    static final short CMD_DISC = 2;
    static final short CMD_FLUSH = 3;
    static final short CMD_FLAG_FUA = 1;

    static final int REQUEST_HEADER_BYTES = 28;
    static final int SIMPLE_REPLY_BYTES = 16;

    private Nbd() {}

    /** The name of an NBD error value, as the protocol spells them (the report's outcome keys). */
    static String errorName(int error) {
        return switch (error) {
            case 1 -> "EPERM";
            case 5 -> "EIO";
            case 12 -> "ENOMEM";
            case 22 -> "EINVAL";
            case 28 -> "ENOSPC";
            case 75 -> "EOVERFLOW";
            case 95 -> "ENOTSUP";
            case 108 -> "ESHUTDOWN";
            default -> "error-" + error;
        };
    }

    /** The name of an option reply error, for the handshake's failure message. */
    static String optionErrorName(int type) {
        return switch (type & ~REP_FLAG_ERROR) {
            case 1 -> "NBD_REP_ERR_UNSUP";
            case 2 -> "NBD_REP_ERR_POLICY";
            case 3 -> "NBD_REP_ERR_INVALID";
            case 4 -> "NBD_REP_ERR_PLATFORM";
            case 5 -> "NBD_REP_ERR_TLS_REQD";
            case 6 -> "NBD_REP_ERR_UNKNOWN";
            case 7 -> "NBD_REP_ERR_SHUTDOWN";
            case 8 -> "NBD_REP_ERR_BLOCK_SIZE_REQD";
            case 9 -> "NBD_REP_ERR_TOO_BIG";
            default -> "error reply " + (type & ~REP_FLAG_ERROR);
        };
    }
}
