package io.strongroom.store.local;

import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.StoreSnapshot;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * Layout of a snapshot's {@code snapshot.hdr}, written once when the snapshot is taken (before its directory is
 * renamed into place). All integers big-endian.
 *
 * <pre>
 *  0        8          12               28             36          38             38+n
 *  +--------+----------+----------------+--------------+-----------+--------------+---------+
 *  |magic   |version   |snapshot id     |created       |name length|name (UTF-8)  |CRC32C   |
 *  |SRSNAPSH|int32 = 1 |16 B, msb, lsb  |int64 epoch ms|uint16 = n |n bytes       |of 0..38+n|
 *  +--------+----------+----------------+--------------+-----------+--------------+---------+
 * </pre>
 */
final class SnapshotHeaderDescriptor {

    static final byte[] MAGIC = "SRSNAPSH".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT_VERSION = 1;
    static final int VERSION_OFFSET = 8;
    static final int ID_OFFSET = 12;
    static final int CREATED_OFFSET = 28;
    static final int NAME_LENGTH_OFFSET = 36;
    static final int NAME_OFFSET = 38;
    static final int MAX_NAME_BYTES = 255;

    private SnapshotHeaderDescriptor() {}

    static ByteBuffer encode(StoreSnapshot snapshot) {
        byte[] name = snapshot.name().getBytes(StandardCharsets.UTF_8);
        if (name.length > MAX_NAME_BYTES) {
            throw new BlockStoreException(
                    BlockStoreException.Reason.INVALID_ARGUMENT,
                    "a snapshot name takes at most " + MAX_NAME_BYTES + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocate(NAME_OFFSET + name.length + 4);
        b.put(MAGIC);
        b.putInt(VERSION_OFFSET, FORMAT_VERSION);
        b.putLong(ID_OFFSET, snapshot.id().getMostSignificantBits());
        b.putLong(ID_OFFSET + 8, snapshot.id().getLeastSignificantBits());
        b.putLong(CREATED_OFFSET, snapshot.created().toEpochMilli());
        b.putShort(NAME_LENGTH_OFFSET, (short) name.length);
        b.put(NAME_OFFSET, name);
        b.putInt(NAME_OFFSET + name.length, crc(b, NAME_OFFSET + name.length));
        return b.clear();
    }

    /** Decodes a header; throws CORRUPT on a bad magic, length, version or checksum. */
    static StoreSnapshot decode(ByteBuffer h, String where) {
        if (h.remaining() < NAME_OFFSET + 4) {
            throw corrupt(where, "short header");
        }
        byte[] magic = new byte[MAGIC.length];
        h.get(0, magic);
        int nameLength = Short.toUnsignedInt(h.getShort(NAME_LENGTH_OFFSET));
        if (!Arrays.equals(magic, MAGIC) || h.remaining() != NAME_OFFSET + nameLength + 4) {
            throw corrupt(where, "bad magic or length");
        }
        if (h.getInt(NAME_OFFSET + nameLength) != crc(h, NAME_OFFSET + nameLength)) {
            throw corrupt(where, "checksum mismatch");
        }
        if (h.getInt(VERSION_OFFSET) != FORMAT_VERSION) {
            throw corrupt(where, "unsupported format version " + h.getInt(VERSION_OFFSET));
        }
        byte[] name = new byte[nameLength];
        h.get(NAME_OFFSET, name);
        return new StoreSnapshot(
                new UUID(h.getLong(ID_OFFSET), h.getLong(ID_OFFSET + 8)),
                new String(name, StandardCharsets.UTF_8),
                Instant.ofEpochMilli(h.getLong(CREATED_OFFSET)));
    }

    private static int crc(ByteBuffer h, int length) {
        CRC32C crc = new CRC32C();
        crc.update(h.duplicate().position(0).limit(length));
        return (int) crc.getValue();
    }

    private static BlockStoreException corrupt(String where, String what) {
        return new BlockStoreException(BlockStoreException.Reason.CORRUPT, where + ": snapshot header " + what);
    }
}
