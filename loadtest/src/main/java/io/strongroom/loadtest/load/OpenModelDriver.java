package io.strongroom.loadtest.load;

import io.vertx.core.Context;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Open model: a fixed request rate whatever the server does. A pacer thread (not an event loop, so
 * it may park) wakes at each intended send time and hands every due request, in one batch, to a
 * client event loop; the event loop sends them with their intended time, from which the corrected
 * latency is measured. When the server stalls, requests keep being issued: they wait in the
 * connection pool's queue, and the time they wait is charged to them (coordinated omission
 * corrected, as wrk2 does). Batches go round-robin over the event loops.
 */
public final class OpenModelDriver implements LoadDriver {

  private final BlockRequester requester;
  private final List<Context> contexts;
  private final SplittableRandom[] randoms;
  private final double rate;
  private volatile boolean running;
  private Thread pacer;
  private volatile long issued;

  public OpenModelDriver(BlockRequester requester, List<Context> contexts, double rate, long seed) {
    this.requester = requester;
    this.contexts = List.copyOf(contexts);
    this.rate = rate;
    this.randoms = new SplittableRandom[contexts.size()];
    SplittableRandom root = new SplittableRandom(seed);
    for (int i = 0; i < randoms.length; i++) {
      randoms[i] = root.split();
    }
  }

  @Override
  public void start(long startNanos, long endNanos) {
    RateSchedule schedule = new RateSchedule(startNanos, rate);
    running = true;
    pacer = new Thread(() -> pace(schedule, endNanos), "loadtest-pacer");
    pacer.setDaemon(true);
    pacer.start();
  }

  private void pace(RateSchedule schedule, long endNanos) {
    long sent = 0;
    int next = 0;
    long last = schedule.dueCount(endNanos - 1);   // requests due before the end
    while (running && sent < last) {
      long due = Math.min(schedule.dueCount(System.nanoTime()), last);
      if (due > sent) {
        int k = next++ % contexts.size();
        dispatch(contexts.get(k), randoms[k], schedule, sent, due);
        sent = due;
        issued = sent;
      }
      long wait = schedule.intendedNanos(sent) - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    }
  }

  private void dispatch(Context context, SplittableRandom rnd, RateSchedule schedule, long from, long to) {
    context.runOnContext(v -> {
      for (long i = from; i < to; i++) {
        requester.send(schedule.intendedNanos(i), rnd);
      }
    });
  }

  /** Requests handed to the event loops so far. */
  public long issued() {
    return issued;
  }

  @Override
  public void stop() {
    running = false;
    if (pacer != null) {
      LockSupport.unpark(pacer);
    }
  }
}
