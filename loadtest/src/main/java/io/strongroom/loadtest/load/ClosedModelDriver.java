package io.strongroom.loadtest.load;

import io.strongroom.loadtest.measure.LatencyRecorders;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Closed model: a fixed number of lanes, each with one request outstanding, sending the next as soon
 * as the previous one is answered. With one lane per connection (HTTP/1.1, no pipelining) this is
 * "N connections as fast as they go". Latency is the service time; there is no schedule to miss.
 */
public final class ClosedModelDriver implements LoadDriver {

    private final RequestSender requester;
    private final LatencyRecorders recorders;
    private final List<Context> contexts;
    private final int lanes;
    private final long seed;
    private volatile boolean running;
    private volatile long endNanos;
    /** Where requests issued now are recorded: switched to the window's by a timer (no per-request branch). */
    private volatile LatencyRecorders.Phase phase;

    public ClosedModelDriver(
            RequestSender requester, LatencyRecorders recorders, List<Context> contexts, int lanes, long seed) {
        this.requester = requester;
        this.recorders = recorders;
        this.contexts = List.copyOf(contexts);
        this.lanes = lanes;
        this.seed = seed;
    }

    @Override
    public void start(long startNanos, long measureStartNanos, long endNanos) {
        this.endNanos = endNanos;
        long untilWindow = measureStartNanos - System.nanoTime();
        if (untilWindow > 0) {
            phase = recorders.warmupPhase();
            ((ContextInternal) contexts.get(0))
                    .nettyEventLoop()
                    .schedule(() -> phase = recorders.windowPhase(), untilWindow, TimeUnit.NANOSECONDS);
        } else {
            phase = recorders.windowPhase();
        }
        running = true;
        SplittableRandom root = new SplittableRandom(seed);
        for (int lane = 0; lane < lanes; lane++) {
            Context context = contexts.get(lane % contexts.size());
            SplittableRandom rnd = root.split();
            context.runOnContext(v -> next(context, rnd));
        }
    }

    private void next(Context context, SplittableRandom rnd) {
        long now = System.nanoTime();
        if (!running || now >= endNanos) {
            return;
        }
        Future<Void> f = requester.send(now, rnd, phase);
        if (f.isComplete()) {
            // failed without I/O (e.g. connection refused from the pool): go round the event loop, not the stack
            context.runOnContext(v -> next(context, rnd));
        } else {
            f.onComplete(v -> next(context, rnd));
        }
    }

    @Override
    public void stop() {
        running = false;
    }
}
