package io.strongroom.core.embed;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** How the blocking facade waits for a future: refused on event loops, bounded, with the failure's code kept. */
final class Blocking {
    private Blocking() {}

    /** Fails at once on an event loop: blocking one would stall every connection and timer it serves. */
    static void refuseOnEventLoop(String what) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException(what + " blocks, and this is a Vert.x event loop ("
                    + Thread.currentThread().getName() + "): use Strongroom and VolumeHandle, which return futures");
        }
    }

    /**
     * Starts {@code op} (unless on an event loop) and returns its result, waited for at most {@code timeout}. A StrongroomException comes back with its
     * code and message and the caller's stack (the original as its cause); other unchecked failures as they are.
     * Waiting too long, or being interrupted (the interrupt is kept), is a RequestTimeout: the operation may still
     * complete afterwards.
     */
    static <T> T await(Supplier<Future<T>> op, Duration timeout, String what) {
        refuseOnEventLoop(what);
        try {
            return op.get().toCompletionStage().toCompletableFuture().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw rethrown(e.getCause(), what);
        } catch (TimeoutException e) {
            throw new StrongroomException(
                    ErrorCode.RequestTimeout, what + " did not complete within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StrongroomException(ErrorCode.RequestTimeout, "interrupted while waiting for " + what, e);
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
