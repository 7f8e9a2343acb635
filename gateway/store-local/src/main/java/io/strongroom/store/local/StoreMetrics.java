package io.strongroom.store.local;

import io.strongroom.core.store.BlockStoreStats;
import io.strongroom.core.store.StoreMetric;
import java.util.List;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Contention-free counters behind {@link BlockStoreStats}; updated from I/O threads. The journal, sync, group-commit
 * and recovery counters are this backend's own: they go out as {@link BlockStoreStats#details()}, named here once
 * (those names are {@code GET /health}'s {@code storage} fields and, as {@code strongroom_store_*}, metric names).
 */
final class StoreMetrics {

    final LongAdder reads = new LongAdder();
    final LongAdder readBytes = new LongAdder();
    final LongAdder writes = new LongAdder();
    final LongAdder writeBytes = new LongAdder();
    final LongAdder trims = new LongAdder();
    final LongAdder flushes = new LongAdder();
    final LongAdder journalSyncs = new LongAdder();
    final LongAdder dataSyncs = new LongAdder();
    final LongAdder journalBytes = new LongAdder();
    final LongAdder batches = new LongAdder();
    final LongAdder batchedOperations = new LongAdder();
    final LongAccumulator largestBatch = new LongAccumulator(Math::max, 0);
    final LongAdder checkpoints = new LongAdder();
    final LongAdder recoveredRecords = new LongAdder();
    final LongAdder copyBeforeWriteBytes = new LongAdder();

    /** A read from the files completed, returning {@code bytes}. */
    void read(int bytes) {
        reads.increment();
        readBytes.add(bytes);
    }

    void batch(int operations) {
        batches.increment();
        batchedOperations.add(operations);
        largestBatch.accumulate(operations);
    }

    /** The counters now, with the pending writes and the snapshots kept (over all volumes). */
    BlockStoreStats snapshot(int pendingWrites, int snapshots) {
        return new BlockStoreStats(
                reads.sum(),
                readBytes.sum(),
                0,
                0,
                writes.sum(),
                writeBytes.sum(),
                trims.sum(),
                flushes.sum(),
                pendingWrites,
                List.of(
                        StoreMetric.counter(
                                "journalSyncs",
                                journalSyncs.sum(),
                                "fdatasync calls on journals (per group commit in fsync mode, or for FUA writes)"),
                        StoreMetric.counter(
                                "dataSyncs",
                                dataSyncs.sum(),
                                "fdatasync calls on data files (checkpoints, flushes in none mode, close)"),
                        StoreMetric.counter(
                                "journalBytes",
                                journalBytes.sum(),
                                "Bytes appended to journals, record headers included"),
                        StoreMetric.counter("batches", batches.sum(), "Group-commit batches"),
                        StoreMetric.counter(
                                "batchedOperations", batchedOperations.sum(), "Operations in group-commit batches"),
                        StoreMetric.gauge(
                                "largestBatch", largestBatch.get(), "Most operations seen in one group-commit batch"),
                        StoreMetric.counter(
                                "checkpoints",
                                checkpoints.sum(),
                                "Journal checkpoints (data file made durable or dropped records, journal restarted)"),
                        StoreMetric.counter(
                                "recoveredRecords",
                                recoveredRecords.sum(),
                                "Journal records replayed when the store was opened (non-zero after a crash)"),
                        StoreMetric.counter(
                                "copyBeforeWriteBytes",
                                copyBeforeWriteBytes.sum(),
                                "Bytes of slot images copied into snapshots before their first change after the"
                                        + " snapshot"),
                        StoreMetric.gauge("snapshots", snapshots, "Snapshots kept, over all volumes")));
    }
}
