package io.strongroom.loadtest.load;

import io.strongroom.loadtest.measure.LatencyRecorders;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One client event loop's share of the open model, paced by the loop itself: its own timetable (warm-up,
 * then a fresh one for the window), at most {@code lanes} requests in flight (one per connection or h2
 * stream), and the requests that are due but wait for a free lane. A timer of the loop (Netty's, with
 * nanosecond deadlines) wakes it at the next request's intended time, as wrk2 paces in its event loop: no
 * other thread is involved, so on a busy core pacing costs no thread switches. Everything is confined to
 * the event loop.
 *
 * <p>Waiting for a lane is the server's doing (every connection is busy with an earlier request), so it
 * counts in the corrected latency. Learning late that a request is due (the loop was busy, or its timer
 * fired late) is the generator's doing: that delay is recorded as generator lag. When the window begins,
 * warm-up requests still waiting for a lane are dropped, so a backlog built while the JIT was cold is not
 * replayed as a burst inside the window.
 */
final class EventLoopShare {

  private final ContextInternal context;
  private final RequestSender sender;
  private final LatencyRecorders recorders;
  private final SplittableRandom rnd;
  private final int lanes;
  private final RateSchedule warmupSchedule;
  private final RateSchedule windowSchedule;
  private volatile boolean running = true;
  // event-loop confined
  private long warmupLast;
  private long windowLast;
  private boolean inWindow;
  private long due;
  private long next;
  private int inFlight;

  EventLoopShare(Context context, RequestSender sender, LatencyRecorders recorders, SplittableRandom rnd, int lanes,
                 RateSchedule warmupSchedule, RateSchedule windowSchedule) {
    this.context = (ContextInternal) context;
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

  /** Starts pacing: the warm-up's requests are those due before the window, the window's those due before its end. */
  void start(long endNanos) {
    context.runOnContext(v -> {
      warmupLast = warmupSchedule.dueCount(windowSchedule.startNanos() - 1);
      windowLast = windowSchedule.dueCount(endNanos - 1);
      tick();
    });
  }

  /** Stops waking up; requests already in flight complete as usual. */
  void stop() {
    running = false;
  }

  private void tick() {
    if (!running) {
      return;
    }
    long now = System.nanoTime();
    if (!inWindow && now >= windowSchedule.startNanos()) {
      inWindow = true;
      due = 0;
      next = 0;
    }
    RateSchedule schedule = schedule(inWindow);
    long last = inWindow ? windowLast : warmupLast;
    long newDue = Math.min(schedule.dueCount(now), last);
    // recorded in the warm-up too (apart), so that the window runs code the warm-up already compiled
    for (long i = due; i < newDue; i++) {
      recorders.recordGeneratorLag(now - schedule.intendedNanos(i), !inWindow);
    }
    due = Math.max(due, newDue);
    pump();
    long wakeAt;
    if (due < last) {
      wakeAt = schedule.intendedNanos(due);
    } else if (!inWindow) {
      wakeAt = windowSchedule.startNanos();
    } else {
      return;   // the window's last request is due: nothing more to pace
    }
    context.nettyEventLoop().schedule(() -> context.emit(v -> tick()),
        Math.max(0, wakeAt - System.nanoTime()), TimeUnit.NANOSECONDS);
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
