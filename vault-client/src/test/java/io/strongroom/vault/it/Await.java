package io.strongroom.vault.it;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.strongroom.vault.KeyVaultException;
import io.vertx.core.Future;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Test-thread helpers to wait for Vert.x futures (never used on an event loop). */
final class Await {
    private Await() {}

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyVaultException failure(Future<?> future) {
        return assertThrows(KeyVaultException.class, () -> await(future));
    }
}
