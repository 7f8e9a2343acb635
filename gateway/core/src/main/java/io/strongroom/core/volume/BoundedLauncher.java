package io.strongroom.core.volume;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Queue;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks with at most {@code limit} in flight, and completes when every task has completed
 * (failed tasks included: each task handles its own failure). Used to unwrap the DEKs of every volume at
 * start-up without flooding the vault. Iterative, so tasks that complete synchronously do not deepen the stack.
 */
final class BoundedLauncher {
    private final Queue<Supplier<Future<?>>> queue;
    private final int limit;
    private final Promise<Void> allDone = Promise.promise();
    private int inFlight; // guarded by this
    private boolean launching; // guarded by this

    private BoundedLauncher(Collection<Supplier<Future<?>>> tasks, int limit) {
        this.queue = new ArrayDeque<>(tasks);
        this.limit = limit;
    }

    static Future<Void> run(Collection<Supplier<Future<?>>> tasks, int limit) {
        BoundedLauncher launcher = new BoundedLauncher(tasks, limit);
        launcher.launch();
        return launcher.allDone.future();
    }

    private void launch() {
        synchronized (this) {
            if (launching) {
                return; // the running loop below sees the freed slot on its next turn
            }
            launching = true;
        }
        while (true) {
            Supplier<Future<?>> next;
            synchronized (this) {
                if (queue.isEmpty() || inFlight >= limit) {
                    launching = false;
                    if (queue.isEmpty() && inFlight == 0) {
                        allDone.tryComplete();
                    }
                    return;
                }
                next = queue.poll();
                inFlight++;
            }
            Future<?> task;
            try {
                task = next.get();
            } catch (RuntimeException e) {
                task = Future.failedFuture(e);
            }
            task.onComplete(ignored -> {
                synchronized (this) {
                    inFlight--;
                }
                launch();
            });
        }
    }
}
