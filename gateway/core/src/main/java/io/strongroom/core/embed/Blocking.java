package io.strongroom.core.embed;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** How the blocking facade waits for a future: refused on Vert.x threads, bounded, with the failure's code kept. */
final class Blocking {
    private Blocking() {}

    /**
     * Fails at once on a Vert.x thread. On an event loop, blocking would stall every connection and timer it serves;
     * on a worker, the answer is handed back to the worker's own context, which the waiting task holds (Vert.x's
     * {@code Future.await} refuses worker threads for the same reason). Code there uses the future API.
     */
    static void refuseOnVertxThread(String what) {
        if (Context.isOnVertxThread()) {
            throw new IllegalStateException(what + " blocks, and this is a Vert.x "
                    + (Context.isOnEventLoopThread() ? "event loop" : "worker") + " thread ("
                    + Thread.currentThread().getName() + "): use Strongroom and VolumeHandle, which return futures");
        }
    }

    /**
     * Starts {@code op} (unless on a Vert.x thread) and returns its result, waited for at most {@code timeout}. A
     * StrongroomException comes back with its code and message and the caller's stack (the original as its cause);
     * other unchecked failures as they are. Waiting too long, or being interrupted (the interrupt is kept), is a
     * RequestTimeout: the operation may still complete afterwards. Waits with Vert.x's {@link Future#await(long,
     * TimeUnit)}, which on a virtual thread of a Vert.x context lets the context run the answer meanwhile.
     */
    static <T> T await(Supplier<Future<T>> op, Duration timeout, String what) {
        refuseOnVertxThread(what);
        Future<T> future = op.get();
        try {
            return future.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (Exception e) { // the wait's end, or the failure's cause (rethrown as it is, checked or not)
            if (e instanceof TimeoutException && e != future.cause()) {
                throw new StrongroomException(
                        ErrorCode.RequestTimeout, what + " did not complete within " + timeout.toMillis() + " ms");
            }
            if (e instanceof InterruptedException && e != future.cause()) {
                Thread.currentThread().interrupt();
                throw new StrongroomException(ErrorCode.RequestTimeout, "interrupted while waiting for " + what, e);
            }
            throw rethrown(e, what);
        }
    }

    private static RuntimeException rethrown(Throwable cause, String what) {
        if (cause instanceof StrongroomException s) {
            return new StrongroomException(s.code(), s.getMessage(), s);
        }
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error e) {
            throw e;
        }
        return new StrongroomException(
                ErrorCode.InternalError, what + " failed (" + cause.getClass().getSimpleName() + ")", cause);
    }
}
