package io.strongroom.core.volume;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.testkit.store.ForwardingBlockStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real store whose snapshot reads a test can hold: while {@link #hold} is set, a snapshot read is done by the
 * store but its answer waits until {@link #release}. That keeps a clone's copy in progress for as long as a test
 * needs it (deleting its snapshot meanwhile, say). Everything else goes straight to the store.
 */
final class SnapshotReadGate extends ForwardingBlockStore {
    private final AtomicInteger held = new AtomicInteger();
    private final Promise<Void> gate = Promise.promise();
    volatile boolean hold;

    SnapshotReadGate(BlockStore store) {
        super(store);
    }

    /** Snapshot reads waiting now. */
    int held() {
        return held.get();
    }

    /** Lets every waiting snapshot read answer, and stops holding new ones. */
    void release() {
        hold = false;
        gate.tryComplete();
    }

    @Override
    public Future<Buffer> readSnapshot(UUID volumeId, UUID snapshotId, long firstBlock, int count) {
        Future<Buffer> read = store.readSnapshot(volumeId, snapshotId, firstBlock, count);
        if (!hold) {
            return read;
        }
        held.incrementAndGet();
        // Answered on the caller's context, as a store answers, not on the thread that releases the gate.
        Context caller = Vertx.currentContext();
        Promise<Buffer> answer = Promise.promise();
        gate.future()
                .onComplete(x -> caller.runOnContext(y -> {
                    held.decrementAndGet();
                    read.onComplete(answer);
                }));
        return answer.future();
    }
}
