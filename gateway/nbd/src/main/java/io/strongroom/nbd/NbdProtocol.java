package io.strongroom.nbd;

/**
 * The numbers of the NBD protocol this server speaks (fixed newstyle negotiation, simple replies), as named in the
 * protocol specification (NetworkBlockDevice/nbd, doc/proto.md). The subset served is in docs/NBD.md.
 */
final class NbdProtocol {
    /** {@code NBDMAGIC}: the first 8 bytes the server sends. */
    static final long NBDMAGIC = 0x4e42444d41474943L;
    /** {@code IHAVEOPT}: the second 8 bytes the server sends, and the start of every option the client sends. */
    static final long IHAVEOPT = 0x49484156454F5054L;
    /** Starts every option reply. */
    static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;

    static final int REQUEST_MAGIC = 0x25609513;
    static final int SIMPLE_REPLY_MAGIC = 0x67446698;

    // Handshake flags (server, 16 bits) and client flags (32 bits).
    static final int FLAG_FIXED_NEWSTYLE = 1;
    static final int FLAG_NO_ZEROES = 1 << 1;
    static final int FLAG_C_FIXED_NEWSTYLE = 1;
    static final int FLAG_C_NO_ZEROES = 1 << 1;

    // Transmission flags (16 bits).
    static final int FLAG_HAS_FLAGS = 1;
    static final int FLAG_READ_ONLY = 1 << 1;
    static final int FLAG_SEND_FLUSH = 1 << 2;
    static final int FLAG_SEND_FUA = 1 << 3;
    static final int FLAG_SEND_TRIM = 1 << 5;
    static final int FLAG_SEND_WRITE_ZEROES = 1 << 6;
    static final int FLAG_CAN_MULTI_CONN = 1 << 8;

    // Options.
    static final int OPT_EXPORT_NAME = 1;
    static final int OPT_ABORT = 2;
    static final int OPT_LIST = 3;
    static final int OPT_STARTTLS = 5;
    static final int OPT_INFO = 6;
    static final int OPT_GO = 7;

    // Option reply types.
    static final int REP_ACK = 1;
    static final int REP_SERVER = 2;
    static final int REP_INFO = 3;
    static final int REP_FLAG_ERROR = 1 << 31;
    static final int REP_ERR_UNSUP = REP_FLAG_ERROR | 1;
    static final int REP_ERR_POLICY = REP_FLAG_ERROR | 2;
    static final int REP_ERR_INVALID = REP_FLAG_ERROR | 3;
    static final int REP_ERR_TLS_REQD = REP_FLAG_ERROR | 5;
    static final int REP_ERR_UNKNOWN = REP_FLAG_ERROR | 6;
    static final int REP_ERR_SHUTDOWN = REP_FLAG_ERROR | 7;

    // Information types of NBD_OPT_INFO and NBD_OPT_GO.
    static final int INFO_EXPORT = 0;
    static final int INFO_BLOCK_SIZE = 3;

    // Commands.
    static final int CMD_READ = 0;
    static final int CMD_WRITE = 1;
    static final int CMD_DISC = 2;
    static final int CMD_FLUSH = 3;
    static final int CMD_TRIM = 4;
    static final int CMD_WRITE_ZEROES = 6;

    // Command flags.
    static final int CMD_FLAG_FUA = 1;
    static final int CMD_FLAG_NO_HOLE = 1 << 1;

    // Error values of replies.
    static final int EPERM = 1;
    static final int EIO = 5;
    static final int EINVAL = 22;
    static final int ENOSPC = 28;
    static final int ESHUTDOWN = 108;

    /** Bytes of a request header, a simple reply header, an option header. */
    static final int REQUEST_HEADER_BYTES = 28;

    static final int REPLY_HEADER_BYTES = 16;
    static final int OPTION_HEADER_BYTES = 16;

    /** The smallest minimum block size advertised; smaller requests are still served (read-modify-write). */
    static final int MIN_BLOCK_SIZE = 512;

    /**
     * Payloads up to this size are never a denial of service (the specification asks servers to accept 2^25 bytes
     * even past their advertised maximum): an oversize write up to here is read, discarded and refused with EINVAL.
     */
    static final int DISCARD_LIMIT = 1 << 25;

    private NbdProtocol() {}

    /** The errno name of a reply's error value, for metrics labels and messages. */
    static String errorName(int error) {
        return switch (error) {
            case 0 -> "ok";
            case EPERM -> "EPERM";
            case EIO -> "EIO";
            case EINVAL -> "EINVAL";
            case ENOSPC -> "ENOSPC";
            case ESHUTDOWN -> "ESHUTDOWN";
            default -> "E" + error;
        };
    }
}
