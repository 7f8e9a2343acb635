package io.strongroom.store.local;

import static io.strongroom.store.local.JournalRecordDescriptor.BLOCK_COUNT_OFFSET;
import static io.strongroom.store.local.JournalRecordDescriptor.CRC_OFFSET;
import static io.strongroom.store.local.JournalRecordDescriptor.FIRST_BLOCK_OFFSET;
import static io.strongroom.store.local.JournalRecordDescriptor.HEADER_LENGTH;
import static io.strongroom.store.local.JournalRecordDescriptor.KIND_TRIM;
import static io.strongroom.store.local.JournalRecordDescriptor.KIND_WRITE;
import static io.strongroom.store.local.JournalRecordDescriptor.PAYLOAD_LENGTH_OFFSET;
import static io.strongroom.store.local.JournalRecordDescriptor.SEQUENCE_OFFSET;

import io.strongroom.core.store.BlockStoreException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Recovery of one volume on open. The rule: take the valid header copy with the higher start sequence S; read
 * records from {@link JournalHeaderDescriptor#RECORDS_OFFSET} while each one is complete, has the right magic,
 * kind and bounds, carries sequence S, S+1, S+2, ... and its CRC32C checks; apply each (slot images written in
 * place, trims zeroed) in that order; stop at the first record that fails any test (a torn tail, or a stale record
 * of an earlier round), then fdatasync the data file. Replaying is idempotent, so a crash during recovery is
 * repaired by the next recovery.
 */
final class JournalReplay {

    /** What recovery found: the sequence to continue from, the header copy in force, records applied. */
    record Result(long nextSequence, int activeCopy, int recordsApplied, long bytesApplied) {}

    private JournalReplay() {}

    static Result replay(FileChannel journal, FileChannel data, int slotSize, long blockCount, String where)
            throws IOException {
        long[] starts = new long[2];
        for (int i = 0; i < 2; i++) {
            ByteBuffer h = ByteBuffer.allocate(JournalHeaderDescriptor.LENGTH);
            StoreFiles.readFully(journal, h, JournalHeaderDescriptor.COPY_OFFSETS[i]);
            starts[i] = JournalHeaderDescriptor.startSequenceIfValid(h.flip(), slotSize);
        }
        if (starts[0] < 0 && starts[1] < 0) {
            throw new BlockStoreException(BlockStoreException.Reason.CORRUPT, where + ": no valid journal header");
        }
        int active = starts[1] > starts[0] ? 1 : 0;
        long expected = starts[active];
        long position = JournalHeaderDescriptor.RECORDS_OFFSET;
        long size = journal.size();
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
        ByteBuffer payload = ByteBuffer.allocateDirect(0);
        int applied = 0;
        long bytes = 0;
        while (position + HEADER_LENGTH <= size) {
            header.clear();
            StoreFiles.readFully(journal, header, position);
            int length = plausiblePayloadLength(header, expected, slotSize, blockCount);
            if (length < 0 || position + HEADER_LENGTH + length > size) {
                break;
            }
            if (payload.capacity() < length) {
                payload = ByteBuffer.allocateDirect(length);
            }
            payload.clear().limit(length);
            StoreFiles.readFully(journal, payload, position + HEADER_LENGTH);
            if (JournalRecordDescriptor.crc(header, 0, payload, 0, length) != header.getInt(CRC_OFFSET)) {
                break;
            }
            apply(data, header, payload.flip(), slotSize);
            applied++;
            bytes += length;
            expected++;
            position += HEADER_LENGTH + length;
        }
        if (applied > 0) {
            data.force(false);
        }
        return new Result(expected, active, applied, bytes);
    }

    /** The payload length the header announces if every field is consistent, else -1 (end of the journal). */
    private static int plausiblePayloadLength(ByteBuffer h, long expectedSequence, int slotSize, long blockCount) {
        if (h.getInt(0) != JournalRecordDescriptor.MAGIC
                || !JournalRecordDescriptor.reservedIsZero(h, 0)
                || h.getLong(SEQUENCE_OFFSET) != expectedSequence) {
            return -1;
        }
        long first = h.getLong(FIRST_BLOCK_OFFSET);
        long count = h.getLong(BLOCK_COUNT_OFFSET);
        int length = h.getInt(PAYLOAD_LENGTH_OFFSET);
        if (first < 0 || count <= 0 || count > blockCount - first) {
            return -1;
        }
        byte kind = JournalRecordDescriptor.kind(h, 0);
        if (kind == KIND_WRITE && (long) length == count * slotSize) {
            return length;
        }
        if (kind == KIND_TRIM && length == 0) {
            return 0;
        }
        return -1;
    }

    private static void apply(FileChannel data, ByteBuffer header, ByteBuffer payload, int slotSize)
            throws IOException {
        long offset = header.getLong(FIRST_BLOCK_OFFSET) * slotSize;
        if (JournalRecordDescriptor.kind(header, 0) == KIND_WRITE) {
            StoreFiles.writeFully(data, payload, offset);
        } else {
            StoreFiles.zeroRange(data, offset, header.getLong(BLOCK_COUNT_OFFSET) * slotSize);
        }
    }
}
