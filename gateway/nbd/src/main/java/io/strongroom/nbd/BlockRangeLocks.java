package io.strongroom.nbd;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exclusive locks on runs of blocks, per volume, shared by every connection of a server (so across event loops):
 * what makes a read-modify-write of a partial block atomic against any other write of the same block, on this
 * connection or another. Every write, trim and write-zeroes takes its run of blocks, so a whole-block write that
 * overlaps a read-modify-write is ordered with it too; reads take nothing (the store gives each block atomically).
 *
 * <p>A lock table of the runs held and waited for, rather than a fixed array of striped locks: a request covers up to
 * thousands of blocks (32 MiB of 8 KiB blocks), which would mean taking thousands of stripes one after the other,
 * while the table costs one short synchronized scan over the requests in flight on that volume. Grants are in arrival
 * order: a run waits for every overlapping run held or queued before it, so no writer starves. Nothing blocks: a
 * waiter gets a future, completed on its own context.
 */
final class BlockRangeLocks {
    private final ConcurrentHashMap<String, VolumeLocks> volumes = new ConcurrentHashMap<>();

    /**
     * Locks blocks {@code first..last} of {@code volume}; the future completes on {@code context} with the lock,
     * which the holder must {@link Lock#release() release} exactly once.
     */
    Future<Lock> lock(String volume, long first, long last, Context context) {
        return volumes.computeIfAbsent(volume, v -> new VolumeLocks()).lock(first, last, context);
    }

    /** Runs held or waited for, over all volumes (tests). */
    int size() {
        int n = 0;
        for (VolumeLocks v : volumes.values()) {
            n += v.size();
        }
        return n;
    }

    /** A held run of blocks. */
    interface Lock {
        void release();
    }

    private static final class VolumeLocks {
        private final List<Run> held = new ArrayList<>();
        private final List<Run> waiting = new ArrayList<>();

        Future<Lock> lock(long first, long last, Context context) {
            Run run = new Run(this, first, last, context);
            synchronized (this) {
                if (!overlapsAny(run, held, held.size()) && !overlapsAny(run, waiting, waiting.size())) {
                    held.add(run);
                    return Future.succeededFuture(run);
                }
                run.promise = Promise.promise();
                waiting.add(run);
                return run.promise.future();
            }
        }

        void release(Run run) {
            List<Run> granted = new ArrayList<>();
            synchronized (this) {
                held.remove(run);
                for (int i = 0; i < waiting.size(); ) {
                    Run w = waiting.get(i);
                    if (!overlapsAny(w, held, held.size()) && !overlapsAny(w, waiting, i)) {
                        waiting.remove(i);
                        held.add(w);
                        granted.add(w);
                    } else {
                        i++;
                    }
                }
            }
            for (Run w : granted) {
                w.context.runOnContext(v -> w.promise.complete(w));
            }
        }

        synchronized int size() {
            return held.size() + waiting.size();
        }

        /** True if {@code run} overlaps one of the first {@code n} runs of {@code runs}. */
        private static boolean overlapsAny(Run run, List<Run> runs, int n) {
            for (int i = 0; i < n; i++) {
                Run o = runs.get(i);
                if (o.first <= run.last && run.first <= o.last) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final class Run implements Lock {
        final VolumeLocks owner;
        final long first;
        final long last;
        final Context context;
        Promise<Lock> promise;
        private boolean released;

        Run(VolumeLocks owner, long first, long last, Context context) {
            this.owner = owner;
            this.first = first;
            this.last = last;
            this.context = context;
        }

        @Override
        public void release() {
            if (released) {
                throw new IllegalStateException("blocks " + first + ".." + last + " released twice");
            }
            released = true;
            owner.release(this);
        }
    }
}
