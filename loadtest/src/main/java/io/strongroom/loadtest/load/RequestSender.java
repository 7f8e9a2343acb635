package io.strongroom.loadtest.load;

import io.strongroom.loadtest.measure.LatencyRecorders;
import io.vertx.core.Future;
import java.util.SplittableRandom;

/** Issues one request of the workload on the calling event loop; the future completes when it is recorded. */
@FunctionalInterface
public interface RequestSender {

    /**
     * @param intendedNanos when the schedule wanted it sent ({@link System#nanoTime()})
     * @param phase         where the outcome is recorded: the warm-up's or the measured window's
     */
    Future<Void> send(long intendedNanos, SplittableRandom rnd, LatencyRecorders.Phase phase);
}
