package io.strongroom.core.store;

/**
 * Counters of a store since it was opened (monotonic, except the gauges {@code cacheBytes} and {@code pendingWrites}).
 * The average group-commit batch is {@code batchedOperations / batches}.
 *
 * @param reads            read calls completed
 * @param readBytes        bytes returned by reads
 * @param cacheHits        reads served from the slot cache without file I/O (the rest read the file)
 * @param cacheBytes       memory the slot cache holds now (a gauge)
 * @param writes           write calls acknowledged
 * @param writeBytes       slot bytes acknowledged
 * @param trims            trim calls acknowledged
 * @param flushes          flush calls completed
 * @param journalSyncs     fdatasync calls on journals (one per group commit in FSYNC mode)
 * @param dataSyncs        fdatasync calls on data files (checkpoints, flushes in NONE mode, close)
 * @param journalBytes     bytes appended to journals (record headers included)
 * @param batches          group-commit batches
 * @param batchedOperations operations in those batches
 * @param largestBatch     most operations seen in one batch
 * @param checkpoints      journal checkpoints (data file made durable, journal restarted)
 * @param pendingWrites    writes, trims and flushes accepted and not yet acknowledged, now
 * @param recoveredRecords journal records replayed when the store was opened (non-zero after a crash)
 */
public record BlockStoreStats(
        long reads,
        long readBytes,
        long cacheHits,
        long cacheBytes,
        long writes,
        long writeBytes,
        long trims,
        long flushes,
        long journalSyncs,
        long dataSyncs,
        long journalBytes,
        long batches,
        long batchedOperations,
        long largestBatch,
        long checkpoints,
        int pendingWrites,
        long recoveredRecords) {

    /** A store that counts nothing. */
    public static final BlockStoreStats EMPTY = new BlockStoreStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Mean operations per group-commit batch, 0 before the first batch. */
    public double averageBatch() {
        return batches == 0 ? 0 : (double) batchedOperations / batches;
    }
}
