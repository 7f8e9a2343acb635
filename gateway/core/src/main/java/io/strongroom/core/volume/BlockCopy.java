package io.strongroom.core.volume;

import io.strongroom.crypto.SealedBlockLayout;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Copies a range of plaintext blocks from a source read function into a target: runs of {@code runBlocks} blocks,
 * {@code parallelRuns} of them in flight, each read and then written in its sub-runs of non-zero blocks. What the
 * read and the write do is the caller's: a clone reads through its parent's snapshot (opened with the parent's
 * keyring) and writes through the clone's own write path (sealed under the clone's DEK), so plaintext exists only
 * in memory between the two. Zero blocks are not written: into a target known to be empty they are skipped, into
 * any other target they are trimmed (they read back as zeros either way). The first failure stops the copy.
 */
public final class BlockCopy {
    /** Reads {@code count} plaintext blocks from {@code first}. */
    @FunctionalInterface
    public interface Source {
        Future<Buffer> read(long first, int count);
    }

    /** Where the copy goes: plaintext writes, and trims of zero runs when the target is not known to be empty. */
    public interface Target {
        Future<Void> write(long first, Buffer plaintext);

        Future<Void> trim(long first, long count);
    }

    /**
     * How far a copy has come.
     *
     * @param scanned blocks read so far (in whole runs, in any order)
     * @param copied  non-zero blocks written to the target
     * @param total   blocks of the range
     */
    public record Progress(long scanned, long copied, long total) {}

    private final int blockSize;
    private final int runBlocks;
    private final int parallelRuns;
    private final boolean targetEmpty;

    /**
     * @param targetEmpty true when every block of the target reads as zeros before the copy (a new volume): zero
     *                    blocks are skipped; false: they are trimmed
     */
    public BlockCopy(int blockSize, int runBlocks, int parallelRuns, boolean targetEmpty) {
        if (blockSize <= 0 || runBlocks <= 0 || parallelRuns <= 0) {
            throw new IllegalArgumentException("block size, run length and parallel runs must be positive");
        }
        this.blockSize = blockSize;
        this.runBlocks = runBlocks;
        this.parallelRuns = parallelRuns;
        this.targetEmpty = targetEmpty;
    }

    /**
     * Copies blocks {@code [first, first + count)} from {@code source} to the same blocks of {@code target};
     * {@code progress} hears each finished run. Completes with the final progress, or with the first failure once
     * no run is in flight any more.
     */
    public Future<Progress> copy(long first, long count, Source source, Target target, Consumer<Progress> progress) {
        Promise<Progress> done = Promise.promise();
        Copy copy = new Copy(first, first + count, source, target, progress, done);
        int workers = (int) Math.max(1, Math.min(parallelRuns, (count + runBlocks - 1) / runBlocks));
        copy.running.set(workers);
        for (int i = 0; i < workers; i++) {
            copy.next();
        }
        return done.future();
    }

    private final class Copy {
        private final long end;
        private final long total;
        private final Source source;
        private final Target target;
        private final Consumer<Progress> progress;
        private final Promise<Progress> done;
        private final AtomicLong cursor;
        private final AtomicLong scanned = new AtomicLong();
        private final AtomicLong copied = new AtomicLong();
        private final AtomicInteger running = new AtomicInteger();
        private final AtomicBoolean failed = new AtomicBoolean();
        private volatile Throwable failure;

        Copy(long first, long end, Source source, Target target, Consumer<Progress> progress, Promise<Progress> done) {
            this.end = end;
            this.total = end - first;
            this.source = source;
            this.target = target;
            this.progress = progress;
            this.done = done;
            this.cursor = new AtomicLong(first);
        }

        /** Takes the next run, or ends this worker when none is left or the copy failed. */
        void next() {
            long at = failed.get() ? end : cursor.getAndAdd(runBlocks);
            if (at >= end) {
                if (running.decrementAndGet() == 0) {
                    if (failure != null) {
                        done.fail(failure);
                    } else {
                        done.complete(snapshot());
                    }
                }
                return;
            }
            int count = (int) Math.min(runBlocks, end - at);
            Future<Void> run;
            try {
                run = source.read(at, count).compose(plaintext -> writeNonZero(at, count, plaintext));
            } catch (RuntimeException e) {
                run = Future.failedFuture(e);
            }
            run.onComplete(ar -> {
                if (ar.failed()) {
                    if (failed.compareAndSet(false, true)) {
                        failure = ar.cause();
                    }
                } else {
                    scanned.addAndGet(count);
                    progress.accept(snapshot());
                }
                next();
            });
        }

        private Progress snapshot() {
            return new Progress(scanned.get(), copied.get(), total);
        }

        /** Writes the run's sub-runs of non-zero blocks one after the other (trims the zero ones if asked). */
        private Future<Void> writeNonZero(long at, int count, Buffer plaintext) {
            Future<Void> chain = Future.succeededFuture();
            int i = 0;
            while (i < count) {
                boolean zero = isZero(plaintext, i);
                int j = i + 1;
                while (j < count && isZero(plaintext, j) == zero) {
                    j++;
                }
                long from = at + i;
                int length = j - i;
                if (!zero) {
                    Buffer slice = plaintext.slice(i * blockSize, j * blockSize);
                    chain = chain.compose(x -> target.write(from, slice)).onSuccess(x -> copied.addAndGet(length));
                } else if (!targetEmpty) {
                    chain = chain.compose(x -> target.trim(from, length));
                }
                i = j;
            }
            return chain;
        }

        private boolean isZero(Buffer plaintext, int block) {
            return SealedBlockLayout.isAllZero(
                    ((BufferInternal) plaintext).getByteBuf().nioBuffer(block * blockSize, blockSize));
        }
    }
}
