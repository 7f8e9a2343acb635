package io.strongroom.store.local;

import io.strongroom.core.store.BlockStoreException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Layout of {@code volume.hdr}, the immutable geometry of one volume, written once at creation (before the
 * volume directory is renamed into place). All integers big-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+  0
 *  |                 Magic "SRVOLUME" (8 ASCII bytes)              |
 *  |                                                               |
 *  +---------------------------------------------------------------+  8
 *  |                    Format Version (int32) = 1                 |
 *  +---------------------------------------------------------------+ 12
 *  |                       Slot Size (int32)                       |
 *  +---------------------------------------------------------------+ 16
 *  |                      Block Count (int64)                      |
 *  |                                                               |
 *  +---------------------------------------------------------------+ 24
 *  |           Volume Id (16 bytes: most, then least             |
 *  |           significant 64 bits of the UUID)                    |
 *  |                                                               |
 *  |                                                               |
 *  +---------------------------------------------------------------+ 40
 *  |              CRC32C of bytes 0..39 (int32)                    |
 *  +---------------------------------------------------------------+ 44
 * </pre>
 */
final class VolumeHeaderDescriptor {

    static final byte[] MAGIC = "SRVOLUME".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT_VERSION = 1;
    static final int VERSION_OFFSET = 8;
    static final int SLOT_SIZE_OFFSET = 12;
    static final int BLOCK_COUNT_OFFSET = 16;
    static final int VOLUME_ID_OFFSET = 24;
    static final int CRC_OFFSET = 40;
    static final int LENGTH = 44;

    /** Geometry read back from a header. */
    record Geometry(UUID volumeId, int slotSize, long blockCount) {}

    private VolumeHeaderDescriptor() {}

    static ByteBuffer encode(Geometry geometry) {
        ByteBuffer b = ByteBuffer.allocate(LENGTH);
        b.put(MAGIC);
        b.putInt(VERSION_OFFSET, FORMAT_VERSION);
        b.putInt(SLOT_SIZE_OFFSET, geometry.slotSize());
        b.putLong(BLOCK_COUNT_OFFSET, geometry.blockCount());
        b.putLong(VOLUME_ID_OFFSET, geometry.volumeId().getMostSignificantBits());
        b.putLong(VOLUME_ID_OFFSET + 8, geometry.volumeId().getLeastSignificantBits());
        b.putInt(CRC_OFFSET, crc(b));
        return b.clear();
    }

    /** Decodes a header; throws CORRUPT on a bad magic, version or checksum. */
    static Geometry decode(ByteBuffer b, String where) {
        if (b.remaining() < LENGTH) {
            throw corrupt(where, "short header");
        }
        ByteBuffer h = b.slice();
        byte[] magic = new byte[MAGIC.length];
        h.get(0, magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw corrupt(where, "bad magic");
        }
        if (h.getInt(CRC_OFFSET) != crc(h)) {
            throw corrupt(where, "checksum mismatch");
        }
        if (h.getInt(VERSION_OFFSET) != FORMAT_VERSION) {
            throw corrupt(where, "unsupported format version " + h.getInt(VERSION_OFFSET));
        }
        return new Geometry(
                new UUID(h.getLong(VOLUME_ID_OFFSET), h.getLong(VOLUME_ID_OFFSET + 8)),
                h.getInt(SLOT_SIZE_OFFSET),
                h.getLong(BLOCK_COUNT_OFFSET));
    }

    private static int crc(ByteBuffer h) {
        CRC32C crc = new CRC32C();
        crc.update(h.duplicate().position(0).limit(CRC_OFFSET));
        return (int) crc.getValue();
    }

    private static BlockStoreException corrupt(String where, String what) {
        return new BlockStoreException(BlockStoreException.Reason.CORRUPT, where + ": " + what);
    }
}
