package io.strongroom.core.volume;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.function.Supplier;

/**
 * Confines sealing and opening of blocks to the event loops of the service's Vert.x instance.
 *
 * <p>Why: after a DEK is destroyed, the JCA keeps a copy of its key in the Cipher of every thread that used it,
 * until that thread re-keys. The key-access rule scrubs the event loops of this Vert.x instance (a fixed, known set
 * of threads) when a KEK goes INACCESSIBLE; a caller's own thread (a plain or virtual thread, a worker) would keep
 * the residue for as long as it lives. So a call from any thread other than one of these event loops is handed to
 * one of them, and the crypto code checks where it runs ({@link #requireEventLoop}) instead of trusting it.
 */
final class EventLoops {
    private final VertxInternal vertx;

    EventLoops(Vertx vertx) {
        this.vertx = (VertxInternal) vertx;
    }

    /**
     * Runs {@code op} at once on an event loop of this Vert.x instance, or on the next one (round robin) from any
     * other thread. The returned future completes on the caller's context when it has one of this instance (an event
     * loop, a worker or virtual-thread context), else on the event loop: also when {@code op} waits for work another
     * caller started on another loop (a volume's writer check, a DEK reservation), whose future completes there.
     */
    <T> Future<T> run(Supplier<Future<T>> op) {
        ContextInternal current = ContextInternal.current();
        if (onOwnLoop(current)) {
            PromiseInternal<T> result = current.promise();
            op.get().onComplete(result);
            return result.future();
        }
        ContextInternal loop = vertx.createEventLoopContext();
        PromiseInternal<T> result = current != null && current.owner() == vertx ? current.promise() : loop.promise();
        loop.runOnContext(x -> {
            try {
                op.get().onComplete(result);
            } catch (RuntimeException e) {
                result.tryFail(e);
            }
        });
        return result.future();
    }

    /** Runs {@code task} at once on an event loop of this instance, or hands it to the next one. */
    void execute(Runnable task) {
        if (onOwnLoop(ContextInternal.current())) {
            task.run();
        } else {
            vertx.createEventLoopContext().runOnContext(x -> task.run());
        }
    }

    private boolean onOwnLoop(ContextInternal current) {
        return current != null
                && current.owner() == vertx
                && current.isEventLoopContext()
                && Context.isOnEventLoopThread();
    }

    /** Fails unless the caller runs on an event loop: crypto anywhere else would escape the residue scrub. */
    static void requireEventLoop() {
        if (!Context.isOnEventLoopThread()) {
            throw new IllegalStateException("blocks are sealed and opened on event loops only (the key-residue scrub "
                    + "covers those), not on " + Thread.currentThread().getName());
        }
    }
}
