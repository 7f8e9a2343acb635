package io.strongroom.store.local;

import io.netty.buffer.ByteBuf;
import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.Durability;
import io.strongroom.core.store.VolumeFault;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write path of one volume. Callers enqueue operations; at most one commit task per volume runs at a time
 * on the store's I/O executor and takes everything queued (up to {@code maxBatchBytes}) as one batch:
 * <ol>
 *   <li>append a journal record per write/trim (one positioned write for the batch),</li>
 *   <li>FSYNC mode, or a FUA write in the batch: one fdatasync of the journal for the whole batch (group commit),</li>
 *   <li>write the slot images in place (page cache) under the volume's slot lock,</li>
 *   <li>flush in NONE mode: fdatasync the journal (every write since the data file was last synced has its record
 *       in the current round, so the journal alone makes them durable); past the checkpoint bound or on close,
 *       checkpoint: data fdatasync, then journal restart, so a round is never dropped before its slots are durable
 *       in place,</li>
 *   <li>acknowledge the batch.</li>
 * </ol>
 * Writers that arrive during an fdatasync form the next batch, which is where FSYNC throughput comes from.
 *
 * <p>A batch that fails is never acknowledged, and its journal records are withdrawn
 * ({@link LocalVolume#withdrawFailedBatch}) so that no restart replays them. Then:
 * <ul>
 *   <li>the file system is full (ENOSPC, EDQUOT) while appending or writing in place: the volume enters the
 *       {@link VolumeFault.State#NO_SPACE} state. Reads go on; writes and trims fail with NO_SPACE at once, except
 *       one let through per retry interval, and the first that succeeds ends the state: writes resume by
 *       themselves once space returns;</li>
 *   <li>any other failure, or any failure of an fdatasync: the volume fails every later operation (fail-stop, like
 *       PostgreSQL after a failed fsync: the kernel may have dropped the dirty pages, so retrying could acknowledge
 *       data that is not on disk) until the store is reopened. After a failed fdatasync the records are kept, not
 *       withdrawn: they may be the only durable copy of acknowledged writes.</li>
 * </ul>
 * Each change of state is logged once, with the volume, the cause and what to do. Volumes share the I/O threads and
 * the pending-write bound and nothing else, so one volume's failure leaves the others serving.
 */
final class GroupCommitter {

    private static final System.Logger LOG = System.getLogger(GroupCommitter.class.getName());
    private static final int INITIAL_BATCH_BUFFER = 256 * 1024;
    /** One direct batch buffer per I/O thread, grown on demand: writes to a FileChannel from it need no copy. */
    private static final ThreadLocal<ByteBuffer> BATCH_BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(INITIAL_BATCH_BUFFER));

    private final LocalVolume volume;
    private final CommitSettings settings;
    private final Queue<StoreOp> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile BlockStoreException stoppedWith;
    /** The failure that put the volume in the NO_SPACE state; null while writes are served. */
    private volatile BlockStoreException noSpace;
    /** In the NO_SPACE state: when ({@link System#nanoTime()}) the next write may go through to try again. */
    private final AtomicLong nextNoSpaceTry = new AtomicLong();
    /** What {@link LocalFileBlockStore#volumeFaults()} shows; null while the volume works. */
    private volatile VolumeFault fault;
    /**
     * Whether the running commit is appending its records or writing them in place: a failure there is withdrawn, one
     * anywhere else (an fdatasync, a checkpoint, closing the files) is not.
     */
    private boolean applying;

    GroupCommitter(LocalVolume volume, CommitSettings settings) {
        this.volume = volume;
        this.settings = settings;
    }

    void submit(StoreOp op) {
        BlockStoreException full = noSpace;
        if (full != null && op.changesSlots() && !mayTryAgain()) {
            finish(List.of(op), full);
            return;
        }
        queue.add(op);
        if (stoppedWith != null) {
            failQueued();
        } else {
            schedule();
        }
    }

    /** In the NO_SPACE state: true for one caller per retry interval, whose write goes through to try. */
    private boolean mayTryAgain() {
        long due = nextNoSpaceTry.get();
        long now = System.nanoTime();
        return now - due >= 0 && nextNoSpaceTry.compareAndSet(due, now + settings.noSpaceRetryNanos());
    }

    /** The volume's fault, or null while it works. */
    VolumeFault fault() {
        return fault;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            try {
                settings.executor().execute(this::runOnce);
            } catch (RejectedExecutionException e) {
                scheduled.set(false);
                stoppedWith = BlockStoreException.closed();
                failQueued();
            }
        }
    }

    /** One batch per task, then yield the thread: volumes share the executor fairly. */
    private void runOnce() {
        try {
            List<StoreOp> batch = takeBatch();
            if (!batch.isEmpty()) {
                commit(batch);
            }
        } finally {
            scheduled.set(false);
        }
        if (stoppedWith != null) {
            failQueued();
        } else if (!queue.isEmpty()) {
            schedule();
        }
    }

    private List<StoreOp> takeBatch() {
        List<StoreOp> batch = new ArrayList<>();
        long bytes = 0;
        for (StoreOp op = queue.peek(); op != null; op = queue.peek()) {
            if (!batch.isEmpty() && (op.alone() || bytes + op.journalBytes() > settings.maxBatchBytes())) {
                break;
            }
            queue.poll();
            batch.add(op);
            bytes += op.journalBytes();
            if (op.kind == StoreOp.Kind.CLOSE || op.kind == StoreOp.Kind.DELETE || op.alone()) {
                break;
            }
        }
        return batch;
    }

    private void commit(List<StoreOp> batch) {
        if (stoppedWith != null) {
            releaseFilesIfClosing(batch);
            finish(batch, stoppedWith);
            return;
        }
        if (batch.get(0).alone()) {
            commitSnapshotChange(batch);
            return;
        }
        try {
            ByteBuffer records = encodeRecords(batch);
            StoreOp last = batch.get(batch.size() - 1);
            if (last.kind == StoreOp.Kind.DELETE) {
                journalAndApply(batch, records, false);
                volume.closeFiles();
                volume.deleteFiles();
                stoppedWith = BlockStoreException.unknownVolume(volume.id());
            } else {
                boolean fua = batch.stream().anyMatch(op -> op.fua);
                journalAndApply(batch, records, settings.durability() == Durability.FSYNC || fua);
                makeDurableIfAsked(batch, last);
            }
            count(batch);
            if (noSpace != null && batch.stream().anyMatch(StoreOp::changesSlots)) {
                resume();
            }
            finish(batch, null);
        } catch (IOException | RuntimeException e) {
            BlockStoreException failure = failed(e);
            if (batch.stream().anyMatch(op -> op.kind == StoreOp.Kind.CLOSE || op.kind == StoreOp.Kind.DELETE)) {
                releaseFilesIfClosing(batch);
                stoppedWith = failure;
            }
            finish(batch, failure);
        }
    }

    /**
     * Takes or deletes a snapshot. Taking one starts with a checkpoint (data file synced, new journal round), so no
     * journal record of a write before the snapshot is left to replay after it: replay only redoes writes whose
     * slots were preserved first. A failed checkpoint stops the volume like any failed fdatasync; a snapshot that
     * cannot be created or deleted fails alone (its files are left whole or absent).
     */
    private void commitSnapshotChange(List<StoreOp> batch) {
        StoreOp op = batch.get(0);
        try {
            if (op.kind == StoreOp.Kind.SNAPSHOT) {
                volume.syncData();
                settings.metrics().dataSyncs.increment();
                volume.journal().restart(true);
                settings.metrics().checkpoints.increment();
            }
        } catch (IOException | RuntimeException e) {
            finish(batch, failed(e));
            return;
        }
        try {
            if (op.kind == StoreOp.Kind.SNAPSHOT) {
                volume.takeSnapshot(op.snapshot);
            } else {
                volume.deleteSnapshot(op.snapshotId);
            }
            finish(batch, null);
        } catch (BlockStoreException e) {
            finish(batch, e);
        } catch (IOException | RuntimeException e) {
            finish(
                    batch,
                    new BlockStoreException(
                            noSpace(e) ? BlockStoreException.Reason.NO_SPACE : BlockStoreException.Reason.IO_ERROR,
                            "volume " + volume.id() + ": snapshot " + op.snapshotId + " could not be "
                                    + (op.kind == StoreOp.Kind.SNAPSHOT ? "taken" : "deleted") + " (" + e.getMessage()
                                    + ")",
                            e));
        }
    }

    /** The failure to complete a failed batch with, after withdrawing it and moving the volume to its new state. */
    private BlockStoreException failed(Exception e) {
        boolean withdrawable = applying;
        applying = false;
        boolean withdrawn = false;
        if (withdrawable) {
            try {
                volume.withdrawFailedBatch();
                withdrawn = true;
            } catch (IOException | RuntimeException again) {
                e.addSuppressed(again);
            }
        }
        if (withdrawn && noSpace(e)) {
            return enterNoSpace(e);
        }
        stoppedWith = new BlockStoreException(
                BlockStoreException.Reason.IO_ERROR,
                "volume " + volume.id() + ": storage I/O failed (" + e.getMessage() + "), volume stopped until the"
                        + " store is reopened",
                e);
        noSpace = null;
        fault = new VolumeFault(volume.id(), VolumeFault.State.STOPPED, String.valueOf(e.getMessage()), Instant.now());
        LOG.log(
                System.Logger.Level.ERROR,
                "volume {0} stopped: storage I/O failed ({1}); its writes fail until the gateway is restarted. Check"
                        + " the file system and the kernel log, then restart",
                volume.id(),
                e.toString());
        return stoppedWith;
    }

    private BlockStoreException enterNoSpace(Exception e) {
        nextNoSpaceTry.set(System.nanoTime() + settings.noSpaceRetryNanos());
        if (noSpace == null) {
            fault = new VolumeFault(
                    volume.id(), VolumeFault.State.NO_SPACE, String.valueOf(e.getMessage()), Instant.now());
            LOG.log(
                    System.Logger.Level.WARNING,
                    "volume {0}: the file system is full ({1}); reads go on, writes are refused (507) until space is"
                            + " freed, then resume by themselves (tried every {2} ms)",
                    volume.id(),
                    e.getMessage(),
                    String.valueOf(settings.noSpaceRetryNanos() / 1_000_000));
        }
        noSpace = new BlockStoreException(
                BlockStoreException.Reason.NO_SPACE,
                "volume " + volume.id() + ": the file system is full; writes resume once space is freed",
                e);
        return noSpace;
    }

    private void resume() {
        noSpace = null;
        fault = null;
        LOG.log(System.Logger.Level.INFO, "volume {0}: space is available again, writes resume", volume.id());
    }

    /**
     * True for the file system's "no space left" (ENOSPC) and "quota exceeded" (EDQUOT) failures. The JDK reports
     * errno only as the IOException's message (strerror), so the message is what there is to classify.
     */
    static boolean noSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (t instanceof IOException
                    && message != null
                    && (message.contains("No space left on device") || message.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    /** A volume stopped by an I/O error still gives its file handles back when the store closes or deletes it. */
    private void releaseFilesIfClosing(List<StoreOp> ops) {
        if (ops.stream().anyMatch(op -> op.kind == StoreOp.Kind.CLOSE || op.kind == StoreOp.Kind.DELETE)) {
            try {
                volume.closeFiles();
            } catch (IOException e) {
                // Nothing more to do for a volume already failed; the close reports the original error.
            }
        }
    }

    private void journalAndApply(List<StoreOp> batch, ByteBuffer records, boolean sync) throws IOException {
        Journal journal = volume.journal();
        applying = true;
        settings.metrics().copyBeforeWriteBytes.add(volume.preserve(batch));
        if (records.hasRemaining()) {
            settings.metrics().journalBytes.add(records.remaining());
            journal.append(records.duplicate());
            if (sync) {
                applying = false;
                journal.sync();
                applying = true;
                settings.metrics().journalSyncs.increment();
            }
        }
        volume.applyInPlace(batch, records);
        applying = false;
    }

    private void makeDurableIfAsked(List<StoreOp> batch, StoreOp last) throws IOException {
        boolean closing = last.kind == StoreOp.Kind.CLOSE;
        boolean flushing = closing || batch.stream().anyMatch(op -> op.kind == StoreOp.Kind.FLUSH);
        Journal journal = volume.journal();
        if (flushing && settings.durability() == Durability.NONE) {
            // One sync: the round holds a record of every write since the data file was last synced (checkpoints
            // sync the data file before they restart the journal), and replay puts them in place after a crash.
            journal.sync();
            settings.metrics().journalSyncs.increment();
        }
        if (closing || journal.roundBytes() >= settings.checkpointBytes()) {
            // The data file first: restarting the journal drops the round's records, the only durable copy of
            // writes the page cache still holds. In FSYNC mode the new round's header is synced as well.
            volume.syncData();
            settings.metrics().dataSyncs.increment();
            journal.restart(settings.durability() == Durability.FSYNC || closing);
            settings.metrics().checkpoints.increment();
        }
        if (closing) {
            volume.closeFiles();
            stoppedWith = BlockStoreException.closed();
        }
    }

    /**
     * Lays out the batch's journal records in the thread's direct buffer: header, then the slot images copied
     * once from the caller's buffer. The in-place writes later read the images from the same memory.
     */
    private ByteBuffer encodeRecords(List<StoreOp> batch) {
        int total = 0;
        for (StoreOp op : batch) {
            total += op.journalBytes();
        }
        ByteBuffer buf = batchBuffer(total);
        Journal journal = volume.journal();
        int at = 0;
        for (StoreOp op : batch) {
            if (op.kind == StoreOp.Kind.WRITE) {
                int length = op.payload.length();
                JournalRecordDescriptor.encodeHeader(
                        buf,
                        at,
                        JournalRecordDescriptor.KIND_WRITE,
                        journal.takeSequence(),
                        op.firstBlock,
                        op.blockCount,
                        length);
                copyPayload(op.payload, buf, at + JournalRecordDescriptor.HEADER_LENGTH);
                JournalRecordDescriptor.seal(buf, at);
                at += JournalRecordDescriptor.HEADER_LENGTH + length;
            } else if (op.kind == StoreOp.Kind.TRIM) {
                JournalRecordDescriptor.encodeHeader(
                        buf,
                        at,
                        JournalRecordDescriptor.KIND_TRIM,
                        journal.takeSequence(),
                        op.firstBlock,
                        op.blockCount,
                        0);
                JournalRecordDescriptor.seal(buf, at);
                at += JournalRecordDescriptor.HEADER_LENGTH;
            }
        }
        return buf.limit(at).position(0);
    }

    private static ByteBuffer batchBuffer(int needed) {
        ByteBuffer buf = BATCH_BUFFER.get();
        if (buf.capacity() < needed) {
            buf = ByteBuffer.allocateDirect(Math.max(needed, buf.capacity() * 2));
            BATCH_BUFFER.set(buf);
        }
        return buf.clear();
    }

    /** Copies a Vert.x buffer into direct memory without an intermediate byte[] when it is Netty-backed. */
    private static void copyPayload(Buffer src, ByteBuffer dst, int at) {
        ByteBuffer target = dst.duplicate().limit(at + src.length()).position(at);
        if (src instanceof BufferInternal internal) {
            ByteBuf bytes = internal.getByteBuf();
            bytes.getBytes(bytes.readerIndex(), target);
        } else {
            target.put(src.getBytes());
        }
    }

    private void count(List<StoreOp> batch) {
        StoreMetrics m = settings.metrics();
        m.batch(batch.size());
        for (StoreOp op : batch) {
            switch (op.kind) {
                case WRITE -> {
                    m.writes.increment();
                    m.writeBytes.add(op.payload.length());
                }
                case TRIM -> m.trims.increment();
                case FLUSH -> m.flushes.increment();
                default -> {}
            }
        }
    }

    private void finish(List<StoreOp> batch, Throwable failure) {
        for (StoreOp op : batch) {
            if (op.counted()) {
                settings.pendingWrites().decrementAndGet();
            }
        }
        StoreOp.completeAll(batch, failure);
    }

    private void failQueued() {
        List<StoreOp> left = new ArrayList<>();
        for (StoreOp op = queue.poll(); op != null; op = queue.poll()) {
            left.add(op);
        }
        if (!left.isEmpty()) {
            releaseFilesIfClosing(left);
            finish(left, stoppedWith);
        }
    }
}
