package io.strongroom.store.local;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The double-write journal of one volume ({@code journal.wal}). Every slot image is appended here, and made
 * durable in FSYNC mode, before it is written in place, so a slot torn in the data file by a crash is rewritten
 * from its journal copy on the next open ({@link JournalReplay}). The file is reused round after round: a
 * checkpoint makes the data file durable, writes the start sequence of the next round into the other header copy,
 * and appending starts again at {@link JournalHeaderDescriptor#RECORDS_OFFSET}; stale records of earlier rounds
 * carry smaller sequences and so end any scan. Reusing the space (instead of truncating) keeps the file's size
 * stable, so an fdatasync of the journal seldom has file-system metadata to write.
 *
 * <p>Not thread-safe: only the volume's group committer (one at a time) calls it.
 */
final class Journal implements AutoCloseable {

    static final String FILE_NAME = "journal.wal";

    private final FileChannel channel;
    private final int slotSize;
    private long nextSequence;
    private long appendPosition;
    private int activeCopy;

    private Journal(FileChannel channel, int slotSize, long nextSequence, int activeCopy) {
        this.channel = channel;
        this.slotSize = slotSize;
        this.nextSequence = nextSequence;
        this.activeCopy = activeCopy;
        this.appendPosition = JournalHeaderDescriptor.RECORDS_OFFSET;
    }

    /**
     * Creates a new, empty journal file (header copy 0 with start sequence 1, copy 1 zeros: not valid), durable on
     * return. Writing copy 1's place now allocates it, so a checkpoint never needs new space: a volume whose file
     * system is full can still withdraw a failed batch and close cleanly.
     */
    static Journal create(Path file, int slotSize) throws IOException {
        FileChannel ch = FileChannel.open(
                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            StoreFiles.writeFully(
                    ch, JournalHeaderDescriptor.encode(slotSize, 1), JournalHeaderDescriptor.COPY_OFFSETS[0]);
            StoreFiles.writeFully(
                    ch, ByteBuffer.allocate(JournalHeaderDescriptor.LENGTH), JournalHeaderDescriptor.COPY_OFFSETS[1]);
            ch.force(true);
            return new Journal(ch, slotSize, 1, 0);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Takes over an open journal after {@link JournalReplay} has brought the data file up to date, and starts a new
     * round after the last replayed sequence (a checkpoint), so the replayed records are never applied twice.
     */
    static Journal resumeAfterReplay(FileChannel channel, int slotSize, JournalReplay.Result replayed)
            throws IOException {
        Journal journal = new Journal(channel, slotSize, replayed.nextSequence(), replayed.activeCopy());
        journal.restart(true);
        return journal;
    }

    /** Hands out the sequence of the next record; records must be appended in this order. */
    long takeSequence() {
        return nextSequence++;
    }

    /** Appends the records between {@code batch}'s position and limit (one positioned write). */
    void append(ByteBuffer batch) throws IOException {
        int length = batch.remaining();
        StoreFiles.writeFully(channel, batch, appendPosition);
        appendPosition += length;
    }

    /** fdatasync: records appended so far survive power loss once this returns. */
    void sync() throws IOException {
        channel.force(false);
    }

    /** Bytes of records in the current round. */
    long roundBytes() {
        return appendPosition - JournalHeaderDescriptor.RECORDS_OFFSET;
    }

    /**
     * Starts a new round. The caller must have made every slot written in place so far durable (data file
     * fdatasync) — the records of the ending round are dropped. The header copy not in force is overwritten and,
     * with {@code sync}, synced, so a crash during this call leaves one valid copy: the old one (the old round
     * replays harmlessly, its images are already in place) or the new one.
     */
    void restart(boolean sync) throws IOException {
        int next = 1 - activeCopy;
        StoreFiles.writeFully(
                channel,
                JournalHeaderDescriptor.encode(slotSize, nextSequence),
                JournalHeaderDescriptor.COPY_OFFSETS[next]);
        if (sync) {
            channel.force(false);
        }
        activeCopy = next;
        appendPosition = JournalHeaderDescriptor.RECORDS_OFFSET;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
