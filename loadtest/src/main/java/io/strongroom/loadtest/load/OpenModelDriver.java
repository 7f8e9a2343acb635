package io.strongroom.loadtest.load;

import io.strongroom.loadtest.measure.LatencyRecorders;
import io.vertx.core.Context;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Open model: a fixed request rate whatever the server does. Each client event loop paces its own
 * share of the rate ({@link EventLoopShare}): a timer of the loop wakes it at each intended send time
 * and it sends the requests due with their intended time, from which the corrected latency is
 * measured. When the server stalls, requests keep falling due: they wait for a free connection, and
 * the time they wait is charged to them (coordinated omission corrected, as wrk2 does).
 *
 * <p>The measured window gets a fresh timetable starting at its first instant, as wrk2 measures
 * after its calibration: whatever the warm-up left undone (a cold JIT, a slow first second of the
 * server) is dropped rather than replayed inside the window, and warm-up requests still in flight
 * are recorded apart. Each event loop has its own share of the rate (request i of loop k of n is
 * request i*n+k of the whole timetable).
 */
public final class OpenModelDriver implements LoadDriver {

    private final RequestSender sender;
    private final LatencyRecorders recorders;
    private final List<Context> contexts;
    private final SplittableRandom[] randoms;
    private final double rate;
    private final int lanes;
    private EventLoopShare[] shares;

    /**
     * @param lanes requests in flight at most, over all event loops (connections x streams x targets)
     */
    public OpenModelDriver(
            RequestSender sender,
            LatencyRecorders recorders,
            List<Context> contexts,
            double rate,
            int lanes,
            long seed) {
        this.sender = sender;
        this.recorders = recorders;
        this.contexts = List.copyOf(contexts);
        this.rate = rate;
        this.lanes = lanes;
        this.randoms = new SplittableRandom[contexts.size()];
        SplittableRandom root = new SplittableRandom(seed);
        for (int i = 0; i < randoms.length; i++) {
            randoms[i] = root.split();
        }
    }

    @Override
    public void start(long startNanos, long measureStartNanos, long endNanos) {
        int n = contexts.size();
        shares = new EventLoopShare[n];
        for (int k = 0; k < n; k++) {
            long offset = (long) (k * 1e9 / rate);
            int share = Math.max(1, lanes / n + (k < lanes % n ? 1 : 0));
            shares[k] = new EventLoopShare(
                    contexts.get(k),
                    sender,
                    recorders,
                    randoms[k],
                    share,
                    new RateSchedule(startNanos + offset, rate / n),
                    new RateSchedule(measureStartNanos + offset, rate / n));
        }
        for (EventLoopShare s : shares) {
            s.start(endNanos);
        }
    }

    @Override
    public void stop() {
        if (shares != null) {
            for (EventLoopShare s : shares) {
                s.stop();
            }
        }
    }
}
