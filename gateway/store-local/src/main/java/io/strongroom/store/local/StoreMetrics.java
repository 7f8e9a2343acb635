package io.strongroom.store.local;

import io.strongroom.core.store.BlockStoreStats;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/** Contention-free counters behind {@link BlockStoreStats}; updated from I/O threads. */
final class StoreMetrics {

    final LongAdder reads = new LongAdder();
    final LongAdder readBytes = new LongAdder();
    final LongAdder cacheHits = new LongAdder();
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

    /** A read completed: {@code bytes} returned, from the slot cache or from the file. */
    void read(int bytes, boolean fromCache) {
        reads.increment();
        readBytes.add(bytes);
        if (fromCache) {
            cacheHits.increment();
        }
    }

    void batch(int operations) {
        batches.increment();
        batchedOperations.add(operations);
        largestBatch.accumulate(operations);
    }

    BlockStoreStats snapshot(int pendingWrites, long cacheBytes) {
        return new BlockStoreStats(
                reads.sum(),
                readBytes.sum(),
                cacheHits.sum(),
                cacheBytes,
                writes.sum(),
                writeBytes.sum(),
                trims.sum(),
                flushes.sum(),
                journalSyncs.sum(),
                dataSyncs.sum(),
                journalBytes.sum(),
                batches.sum(),
                batchedOperations.sum(),
                largestBatch.get(),
                checkpoints.sum(),
                pendingWrites,
                recoveredRecords.sum());
    }
}
