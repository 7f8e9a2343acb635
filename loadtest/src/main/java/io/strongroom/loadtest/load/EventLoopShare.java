package io.strongroom.loadtest.load;

import io.strongroom.loadtest.measure.LatencyRecorders;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client event loop's share of the open model: its own timetable (warm-up, then a fresh one for
 * the window), at most {@code lanes} requests in flight (one per connection or h2 stream), and the
 * requests that are due but wait for a free lane. Only the due count crosses threads (the pacer
 * publishes it, packed with the phase, in one atomic); everything else is confined to the event loop.
 *
 * <p>Waiting for a lane is the server's doing (every connection is busy with an earlier request), so
 * it counts in the corrected latency. Learning late that a request is due is the generator's doing
 * (pacer not scheduled, event loop busy): that delay is recorded as generator lag. When the window
 * begins, warm-up requests still waiting for a lane are dropped, so a backlog built while the JIT
 * was cold is not replayed as a burst inside the window.
 */
final class EventLoopShare {

  /** Set in the published value from the first due count of the measured window on. */
  static final long WINDOW_BIT = 1L << 62;

  private final Context context;
  private final RequestSender sender;
  private final LatencyRecorders recorders;
  private final SplittableRandom rnd;
  private final int lanes;
  private final RateSchedule warmupSchedule;
  private final RateSchedule windowSchedule;
  private final AtomicLong published = new AtomicLong();
  private final AtomicBoolean posted = new AtomicBoolean();
  // event-loop confined
  private boolean inWindow;
  private long due;
  private long next;
  private int inFlight;

  EventLoopShare(Context context, RequestSender sender, LatencyRecorders recorders, SplittableRandom rnd, int lanes,
                 RateSchedule warmupSchedule, RateSchedule windowSchedule) {
    this.context = context;
    this.sender = sender;
    this.recorders = recorders;
    this.rnd = rnd;
    this.lanes = lanes;
    this.warmupSchedule = warmupSchedule;
    this.windowSchedule = windowSchedule;
  }

  RateSchedule schedule(boolean window) {
    return window ? windowSchedule : warmupSchedule;
  }

  /**
   * Pacer thread: requests 0 .. dueCount-1 of the phase are due. Posts at most one task at a time:
   * while the event loop is busy the counts coalesce instead of piling up tasks.
   */
  void publish(long dueCount, boolean window) {
    long v = dueCount | (window ? WINDOW_BIT : 0);
    if (published.get() == v) {
      return;
    }
    published.set(v);
    if (posted.compareAndSet(false, true)) {
      context.runOnContext(x -> onDue());
    }
  }

  private void onDue() {
    posted.set(false);
    long v = published.get();
    boolean window = (v & WINDOW_BIT) != 0;
    long newDue = v & ~WINDOW_BIT;
    if (window && !inWindow) {
      inWindow = true;
      due = 0;
      next = 0;
    }
    if (inWindow) {
      long now = System.nanoTime();
      for (long i = due; i < newDue; i++) {
        recorders.recordGeneratorLag(now - windowSchedule.intendedNanos(i));
      }
    }
    due = Math.max(due, newDue);
    pump();
  }

  private void pump() {
    RateSchedule schedule = schedule(inWindow);
    while (inFlight < lanes && next < due) {
      inFlight++;
      Future<Void> f = sender.send(schedule.intendedNanos(next++), rnd, !inWindow);
      if (f.isComplete()) {
        // failed without I/O (e.g. connection refused): free the lane without recursing
        inFlight--;
      } else {
        f.onComplete(x -> {
          inFlight--;
          pump();
        });
      }
    }
  }
}
