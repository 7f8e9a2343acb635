package io.strongroom.core.activity;

import io.vertx.core.Future;
import java.util.List;

/**
 * The record of key use: wraps, unwraps, probes, state changes, revalidations, rotations, rollovers. Append-only.
 * {@link #record} never blocks and may be called from any thread, event loops included.
 */
public interface ActivityLog {
    /** Appends an event (queued; written by the log's own writer thread). */
    void record(ActivityEvent event);

    /**
     * The most recent events, newest first, at most {@code limit}, filtered by volume name and KEK URL (versionless
     * or versioned; null = any).
     */
    List<ActivityEvent> recent(String volumeOrNull, String kekOrNull, int limit);

    /** Events recorded but not written to the file: the writer's queue was full, or the log was closed. */
    long dropped();

    /** Writes what is queued and closes the file. */
    Future<Void> close();

    /** A log that keeps recent events in memory only (tests and embedded use without a data directory). */
    static ActivityLog inMemory() {
        return new JsonLinesActivityLog(null, JsonLinesActivityLog.DEFAULT_RING_SIZE);
    }
}
