package io.strongroom.store.local;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.testkit.store.ForwardingBlockStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A real store whose acknowledgements a test can hold back: with {@link #holdReads} or {@link #holdWrites} set,
 * the store does the operation at once but its future completes only on {@link #release}. That is how a slow
 * network or a busy thread pool orders completions, made deterministic, so the slot cache's sequencing can be
 * tested against every order. Trims, flushes and volume calls are never held.
 */
final class GatedBlockStore extends ForwardingBlockStore {
    private final List<Runnable> held = new ArrayList<>();
    volatile boolean holdReads;
    volatile boolean holdWrites;

    GatedBlockStore(BlockStore store) {
        super(store);
    }

    /** Completes every held future, in the order the operations were issued. */
    void release() {
        List<Runnable> now;
        synchronized (held) {
            now = new ArrayList<>(held);
            held.clear();
        }
        now.forEach(Runnable::run);
    }

    /** Operations done by the store whose futures are held. */
    int heldCount() {
        synchronized (held) {
            return held.size();
        }
    }

    private <T> Future<T> gate(boolean hold, Future<T> done) {
        if (!hold) {
            return done;
        }
        Promise<T> later = Promise.promise();
        done.onComplete(ar -> {
            synchronized (held) {
                held.add(() -> later.handle(ar));
            }
        });
        return later.future();
    }

    @Override
    public Future<Buffer> read(UUID volumeId, long firstBlock, int count) {
        return gate(holdReads, store.read(volumeId, firstBlock, count));
    }

    @Override
    public Future<Void> write(UUID volumeId, long firstBlock, Buffer slots) {
        return gate(holdWrites, store.write(volumeId, firstBlock, slots));
    }

    @Override
    public Future<Void> write(UUID volumeId, long firstBlock, Buffer slots, boolean fua) {
        return gate(holdWrites, store.write(volumeId, firstBlock, slots, fua));
    }
}
