package io.strongroom.core.testkit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one way tests wait for a Vert.x {@link Future} from a test thread (never from an event loop).
 *
 * <p>The default timeout is generous ({@value #DEFAULT_TIMEOUT_SECONDS} s) because the suite must hold on a loaded
 * 2-core machine: it only bounds a hang, it is not a performance assertion. A failed future's cause is rethrown as
 * it is (checked or not), so a test sees the real exception and its stack, not a wrapper.
 */
public final class Await {
    public static final long DEFAULT_TIMEOUT_SECONDS = 60;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);

    private Await() {}

    /** The future's result; rethrows its failure; fails the test if it has not completed within the default. */
    public static <T> T result(Future<T> future) {
        return result(future, DEFAULT_TIMEOUT);
    }

    /** The future's result; rethrows its failure; fails the test if it has not completed within {@code timeout}. */
    public static <T> T result(Future<T> future, Duration timeout) {
        try {
            return completion(future, timeout).get();
        } catch (ExecutionException e) {
            throw Await.<RuntimeException>rethrow(e.getCause());
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /** The cause the future failed with; fails the test if it succeeded or did not complete within the default. */
    public static Throwable failure(Future<?> future) {
        CompletableFuture<?> completion = completion(future, DEFAULT_TIMEOUT);
        try {
            Object value = completion.get();
            throw new AssertionError("expected the future to fail, it succeeded with " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
    }

    /** The cause the future failed with, which must be a {@code type}; fails the test otherwise. */
    public static <E extends Throwable> E failure(Future<?> future, Class<E> type) {
        Throwable cause = failure(future);
        return assertInstanceOf(type, cause, () -> "failed with " + cause);
    }

    /** Completes like the future, or fails the test once {@code timeout} has passed without an outcome. */
    private static <T> CompletableFuture<T> completion(Future<T> future, Duration timeout) {
        CompletableFuture<T> completion = future.toCompletionStage().toCompletableFuture();
        try {
            completion.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the future did not complete within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            throw interrupted(e);
        } catch (ExecutionException e) {
            // Completed with a failure: the caller reads it.
        }
        return completion;
    }

    /** Keeps the interrupt (a JUnit timeout interrupts the test thread) and ends the wait. */
    private static AssertionError interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new AssertionError("interrupted while waiting for a future", e);
    }

    /** Throws {@code t} unchanged, checked or not (the compiler infers an unchecked {@code E}). */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E rethrow(Throwable t) throws E {
        throw (E) t;
    }
}
