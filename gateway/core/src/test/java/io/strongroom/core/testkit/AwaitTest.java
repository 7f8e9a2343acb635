package io.strongroom.core.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void resultIsTheValue() {
        assertEquals("done", Await.result(Future.succeededFuture("done")));
    }

    @Test
    void aFailureIsRethrownAsItIsCheckedOrNot() {
        IllegalStateException unchecked = new IllegalStateException("unchecked");
        assertSame(
                unchecked,
                assertThrows(IllegalStateException.class, () -> Await.result(Future.failedFuture(unchecked))));
        IOException checked = new IOException("checked");
        assertSame(checked, assertThrows(IOException.class, () -> Await.result(Future.failedFuture(checked))));
    }

    @Test
    void failureReturnsTheCauseAndFailsOnSuccess() {
        IOException cause = new IOException("gone");
        assertSame(cause, Await.failure(Future.failedFuture(cause)));
        assertSame(cause, Await.failure(Future.failedFuture(cause), IOException.class));
        assertThrows(
                AssertionError.class, () -> Await.failure(Future.failedFuture(cause), IllegalStateException.class));
        AssertionError success = assertThrows(AssertionError.class, () -> Await.failure(Future.succeededFuture(7)));
        assertTrue(success.getMessage().contains("succeeded with 7"), success.getMessage());
    }

    @Test
    void aFutureThatNeverCompletesFailsAfterTheTimeout() {
        Promise<String> never = Promise.promise();
        AssertionError e =
                assertThrows(AssertionError.class, () -> Await.result(never.future(), Duration.ofMillis(50)));
        assertTrue(e.getMessage().contains("did not complete"), e.getMessage());
    }

    @Test
    void anInterruptEndsTheWaitAndIsKept() {
        Promise<String> never = Promise.promise();
        Thread.currentThread().interrupt();
        try {
            AssertionError e = assertThrows(AssertionError.class, () -> Await.result(never.future()));
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
        } finally {
            Thread.interrupted();
        }
    }
}
