package io.strongroom.core.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strongroom.core.testkit.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A volume-service future completes on its caller's context, also when the call waits for work another caller
 * started on another event loop: the first writes of a volume from two loops share the volume's writer check and its
 * first DEK reservation, and each write's handlers must still run on the loop that called. A frontend keeps each
 * connection's state on the loop that owns it (the NBD frontend's parser and counters); a handler run on another
 * loop races that loop's own.
 */
class CallerContextTest {
    private static final int BS = 8192;

    @TempDir
    Path tmp;

    VolumeTestKit kit;

    @BeforeEach
    void start() {
        kit = VolumeTestKit.start(tmp);
    }

    @AfterEach
    void stop() {
        kit.close();
    }

    @Test
    void firstWritesOfAVolumeFromTwoEventLoopsCompleteEachOnItsCaller() {
        VertxInternal vertx = (VertxInternal) kit.vertx;
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String name = "v" + i;
            Await.result(kit.service.create(new VolumeSpec(name, 16L * BS)));
            ContextInternal a = vertx.createEventLoopContext();
            ContextInternal b = vertx.createEventLoopContext();
            Promise<String> onA = Promise.promise();
            Promise<String> onB = Promise.promise();
            a.runOnContext(x -> {
                where(a, () -> kit.service.write(name, 0, Buffer.buffer(new byte[BS])), onA);
                b.runOnContext(y -> where(b, () -> kit.service.write(name, 1, Buffer.buffer(new byte[BS])), onB));
            });
            for (String w : List.of(Await.result(onA.future()), Await.result(onB.future()))) {
                if (!w.isEmpty()) {
                    wrong.add(name + ": " + w);
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    /** Calls {@code call} and completes {@code result} with "" if it ended on {@code caller}, else where it ended. */
    private static void where(Context caller, Supplier<Future<?>> call, Promise<String> result) {
        call.get().onComplete(ar -> {
            Context current = Vertx.currentContext();
            result.complete(
                    ar.failed()
                            ? "failed: " + ar.cause()
                            : current == caller
                                    ? ""
                                    : "completed on " + Thread.currentThread().getName());
        });
    }
}
