package io.strongroom.loadtest.load;

import io.vertx.core.Future;
import java.util.SplittableRandom;

/** Issues one request of the workload on the calling event loop; the future completes when it is recorded. */
@FunctionalInterface
public interface RequestSender {

  /**
   * @param intendedNanos when the schedule wanted it sent ({@link System#nanoTime()})
   * @param warmup        issued during the warm-up: recorded apart from the measured window
   */
  Future<Void> send(long intendedNanos, SplittableRandom rnd, boolean warmup);
}
