package io.strongroom.store.local;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Layout of a journal header. The journal file keeps two copies, at {@link #COPY_OFFSETS} 0 and 4096 (separate
 * sectors and pages), written alternately at each checkpoint; recovery uses the valid copy with the higher start
 * sequence, so a header torn by a crash leaves the other one in force. Records start at {@link #RECORDS_OFFSET}.
 * All integers big-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+  0
 *  |                 Magic "SRJOURNL" (8 ASCII bytes)              |
 *  |                                                               |
 *  +---------------------------------------------------------------+  8
 *  |                    Format Version (int32) = 1                 |
 *  +---------------------------------------------------------------+ 12
 *  |                       Slot Size (int32)                       |
 *  +---------------------------------------------------------------+ 16
 *  |       Start Sequence (int64): sequence of the first record    |
 *  |       of the current round, at RECORDS_OFFSET                 |
 *  +---------------------------------------------------------------+ 24
 *  |              CRC32C of bytes 0..23 (int32)                    |
 *  +---------------------------------------------------------------+ 28
 * </pre>
 */
final class JournalHeaderDescriptor {

    static final byte[] MAGIC = "SRJOURNL".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT_VERSION = 1;
    static final int VERSION_OFFSET = 8;
    static final int SLOT_SIZE_OFFSET = 12;
    static final int START_SEQUENCE_OFFSET = 16;
    static final int CRC_OFFSET = 24;
    static final int LENGTH = 28;
    static final long[] COPY_OFFSETS = {0, 4096};
    static final long RECORDS_OFFSET = 8192;

    private JournalHeaderDescriptor() {}

    static ByteBuffer encode(int slotSize, long startSequence) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put(MAGIC);
        b.putInt(VERSION_OFFSET, FORMAT_VERSION);
        b.putInt(SLOT_SIZE_OFFSET, slotSize);
        b.putLong(START_SEQUENCE_OFFSET, startSequence);
        b.putInt(CRC_OFFSET, crc(b));
        return b.clear();
    }

    /** The start sequence of a valid header for this slot size, or -1 if the copy is torn, foreign or absent. */
    static long startSequenceIfValid(ByteBuffer h, int slotSize) {
        if (h.limit() < LENGTH) {
            return -1;
        }
        byte[] magic = new byte[MAGIC.length];
        h.get(0, magic);
        if (!Arrays.equals(magic, MAGIC)
                || h.getInt(CRC_OFFSET) != crc(h)
                || h.getInt(VERSION_OFFSET) != FORMAT_VERSION
                || h.getInt(SLOT_SIZE_OFFSET) != slotSize) {
            return -1;
        }
        return h.getLong(START_SEQUENCE_OFFSET);
    }

    private static int crc(ByteBuffer h) {
        CRC32C crc = new CRC32C();
        crc.update(h.duplicate().position(0).limit(CRC_OFFSET));
        return (int) crc.getValue();
    }
}
