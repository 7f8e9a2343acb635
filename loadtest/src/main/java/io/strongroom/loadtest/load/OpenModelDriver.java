package io.strongroom.loadtest.load;

import io.strongroom.loadtest.measure.LatencyRecorders;
import io.vertx.core.Context;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Open model: a fixed request rate whatever the server does. A pacer thread (not an event loop, so
 * it may park) wakes at each intended send time and tells each client event loop how many of its
 * requests are due; the event loop sends them with their intended time, from which the corrected
 * latency is measured. When the server stalls, requests keep falling due: they wait for a free
 * connection, and the time they wait is charged to them (coordinated omission corrected, as wrk2
 * does).
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
  private volatile boolean running;
  private Thread pacer;

  /**
   * @param lanes requests in flight at most, over all event loops (connections x streams x targets)
   */
  public OpenModelDriver(RequestSender sender, LatencyRecorders recorders, List<Context> contexts, double rate,
                         int lanes, long seed) {
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
    EventLoopShare[] shares = new EventLoopShare[n];
    for (int k = 0; k < n; k++) {
      long offset = (long) (k * 1e9 / rate);
      int share = Math.max(1, lanes / n + (k < lanes % n ? 1 : 0));
      shares[k] = new EventLoopShare(contexts.get(k), sender, recorders, randoms[k], share,
          new RateSchedule(startNanos + offset, rate / n), new RateSchedule(measureStartNanos + offset, rate / n));
    }
    running = true;
    pacer = new Thread(() -> {
      if (measureStartNanos > startNanos) {
        pace(shares, false, measureStartNanos);
      }
      pace(shares, true, endNanos);
    }, "loadtest-pacer");
    pacer.setDaemon(true);
    pacer.start();
  }

  /** One phase: publishes due counts until phaseEnd (requests due at or after it belong to the next). */
  private void pace(EventLoopShare[] shares, boolean window, long phaseEnd) {
    long[] last = new long[shares.length];
    for (int k = 0; k < shares.length; k++) {
      last[k] = shares[k].schedule(window).dueCount(phaseEnd - 1);
    }
    while (running) {
      long now = System.nanoTime();
      long wakeAt = phaseEnd;
      for (int k = 0; k < shares.length; k++) {
        RateSchedule schedule = shares[k].schedule(window);
        long due = Math.min(schedule.dueCount(now), last[k]);
        if (due > 0) {
          shares[k].publish(due, window);
        }
        if (due < last[k]) {
          wakeAt = Math.min(wakeAt, schedule.intendedNanos(due));
        }
      }
      if (now >= phaseEnd) {
        return;   // after publishing: a pacer woken late still hands over the phase's last requests
      }
      long wait = wakeAt - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    }
  }

  @Override
  public void stop() {
    running = false;
    if (pacer != null) {
      LockSupport.unpark(pacer);
    }
  }
}
