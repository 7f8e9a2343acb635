package io.strongroom.store.local;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Layout of one journal record: a 40-byte header followed by the full images of the slots it writes
 * ({@code blockCount * slotSize} bytes for WRITE, nothing for TRIM). The CRC32C covers the header up to
 * the CRC field and the whole payload, so a record torn anywhere by a crash fails the check. All integers
 * big-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+  0
 *  |                   Magic 0x53524A52 "SRJR"                     |
 *  +---------------+-----------------------------------------------+  4
 *  | Kind (1=WRITE |            Reserved, zero (3 bytes)           |
 *  |  2=TRIM)      |                                               |
 *  +---------------+-----------------------------------------------+  8
 *  |           Sequence (int64), consecutive across records        |
 *  |                                                               |
 *  +---------------------------------------------------------------+ 16
 *  |                    First Block (int64)                        |
 *  |                                                               |
 *  +---------------------------------------------------------------+ 24
 *  |          Block Count (int64): slots written or trimmed        |
 *  |                                                               |
 *  +---------------------------------------------------------------+ 32
 *  |   Payload Length (int32) = Block Count * Slot Size, or 0      |
 *  +---------------------------------------------------------------+ 36
 *  |     CRC32C (int32) of bytes 0..35 and of the payload          |
 *  +---------------------------------------------------------------+ 40
 *  |                 Payload: slot images, in block order        ...
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class JournalRecordDescriptor {

    static final int MAGIC = 0x53524A52;
    static final byte KIND_WRITE = 1;
    static final byte KIND_TRIM = 2;
    static final int KIND_OFFSET = 4;
    static final int SEQUENCE_OFFSET = 8;
    static final int FIRST_BLOCK_OFFSET = 16;
    static final int BLOCK_COUNT_OFFSET = 24;
    static final int PAYLOAD_LENGTH_OFFSET = 32;
    static final int CRC_OFFSET = 36;
    static final int HEADER_LENGTH = 40;

    private JournalRecordDescriptor() {}

    /** Writes a header at {@code at} in {@code dst}, CRC left zero until {@link #seal}. */
    static void encodeHeader(
            ByteBuffer dst, int at, byte kind, long sequence, long firstBlock, long blockCount, int payloadLength) {
        dst.putInt(at, MAGIC);
        dst.putInt(at + KIND_OFFSET, (kind & 0xFF) << 24);
        dst.putLong(at + SEQUENCE_OFFSET, sequence);
        dst.putLong(at + FIRST_BLOCK_OFFSET, firstBlock);
        dst.putLong(at + BLOCK_COUNT_OFFSET, blockCount);
        dst.putInt(at + PAYLOAD_LENGTH_OFFSET, payloadLength);
        dst.putInt(at + CRC_OFFSET, 0);
    }

    /** Computes and stores the CRC of the record at {@code at} whose payload follows its header in {@code dst}. */
    static void seal(ByteBuffer dst, int at) {
        dst.putInt(at + CRC_OFFSET, crc(dst, at, dst, at + HEADER_LENGTH, dst.getInt(at + PAYLOAD_LENGTH_OFFSET)));
    }

    /** CRC of a header at {@code headerAt} in {@code header} and a payload of {@code length} at {@code payloadAt}. */
    static int crc(ByteBuffer header, int headerAt, ByteBuffer payload, int payloadAt, int length) {
        CRC32C crc = new CRC32C();
        crc.update(header.duplicate().limit(headerAt + CRC_OFFSET).position(headerAt));
        crc.update(payload.duplicate().limit(payloadAt + length).position(payloadAt));
        return (int) crc.getValue();
    }

    static byte kind(ByteBuffer b, int at) {
        return b.get(at + KIND_OFFSET);
    }

    static boolean reservedIsZero(ByteBuffer b, int at) {
        return (b.getInt(at + KIND_OFFSET) & 0x00FF_FFFF) == 0;
    }
}
