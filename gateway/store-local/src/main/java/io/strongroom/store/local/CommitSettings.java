package io.strongroom.store.local;

import io.strongroom.core.store.Durability;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/** What every volume and its group committer share with the store. */
record CommitSettings(
        Executor executor,
        Durability durability,
        int maxBatchBytes,
        long checkpointBytes,
        StoreMetrics metrics,
        AtomicInteger pendingWrites,
        long noSpaceRetryNanos) {}
