package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.strongroom.http.ConnectionCloseReason;
import io.strongroom.http.HttpApi;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** What the connection-limit tests check of a client that pipelines or multiplexes block reads and reads nothing. */
final class WriteStalls {
    /**
     * What one connection may hold in answers: 2 x {@code limits.maxBodyBytes} (2 MiB by default) pending, plus the
     * largest answer (64 blocks) that may start before the bound is seen.
     */
    static final long PER_CONNECTION_BOUND = 2L * 2 * 1024 * 1024 + 64L * 8192;

    private WriteStalls() {}

    /**
     * Waits until the gateway closes a connection for its write stall (one more than {@code stalledBefore}), watching
     * the answer bytes pending meanwhile, and asserts there were some and never more than one connection's bound.
     */
    static void awaitCloseWithinBound(HttpApi api, long stalledBefore) {
        AtomicLong maxPending = new AtomicLong();
        await("the stalled connection closed")
                .atMost(Await.DEFAULT_TIMEOUT)
                .pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    maxPending.accumulateAndGet(api.responseBytesPending(), Math::max);
                    return api.connectionsClosed(ConnectionCloseReason.WRITE_STALL) > stalledBefore;
                });
        assertTrue(maxPending.get() > 0, "the stalled connection had answers pending");
        assertTrue(
                maxPending.get() <= PER_CONNECTION_BOUND,
                () -> "pending answer bytes " + maxPending.get() + " above the per-connection bound "
                        + PER_CONNECTION_BOUND);
    }
}
