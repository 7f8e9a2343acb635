package io.strongroom.core.volume;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary page of a replication cycle (docs/REPLICAS.md): an 8-byte big-endian {@code next} (the block to ask
 * from next, -1 once the cycle is complete), then records of an 8-byte block number, one flag byte (1: a sealed slot
 * image of {@code slotSize} bytes follows; 0: the block is empty, nothing follows). Only sealed images travel.
 */
public final class ReplicationWire {
    private static final byte EMPTY = 0;
    private static final byte IMAGE = 1;

    private ReplicationWire() {}

    /** One decoded record; {@code slot} is null for an empty block. */
    public record Entry(long block, Buffer slot) {}

    /** A decoded page. */
    public record Page(long next, List<Entry> entries) {}

    static Buffer header(long next) {
        return Buffer.buffer().appendLong(next);
    }

    static void append(Buffer page, long block, Buffer slots, int index, int slotSize, boolean empty) {
        page.appendLong(block);
        if (empty) {
            page.appendByte(EMPTY);
        } else {
            page.appendByte(IMAGE).appendBuffer(slots, index * slotSize, slotSize);
        }
    }

    /** Decodes a page; IllegalArgumentException for a malformed one. */
    public static Page decode(Buffer page, int slotSize) {
        if (page.length() < 8) {
            throw new IllegalArgumentException("a replication page starts with 8 bytes");
        }
        long next = page.getLong(0);
        List<Entry> entries = new ArrayList<>();
        int at = 8;
        while (at < page.length()) {
            if (at + 9 > page.length()) {
                throw new IllegalArgumentException("truncated replication record at byte " + at);
            }
            long block = page.getLong(at);
            byte flag = page.getByte(at + 8);
            at += 9;
            if (flag == EMPTY) {
                entries.add(new Entry(block, null));
            } else if (flag == IMAGE && at + slotSize <= page.length()) {
                entries.add(new Entry(block, page.slice(at, at + slotSize)));
                at += slotSize;
            } else {
                throw new IllegalArgumentException("bad replication record at byte " + (at - 9));
            }
        }
        return new Page(next, entries);
    }
}
