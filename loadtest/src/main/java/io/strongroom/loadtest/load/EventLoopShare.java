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
    // event-loop confined; the current phase's schedule, last request and recorders, swapped by enterWindow()
    private RateSchedule schedule;
    private long last;
    private LatencyRecorders.Phase phase;
    private long due;
    private long next;
    private int inFlight;

    EventLoopShare(
            Context context,
            RequestSender sender,
            LatencyRecorders recorders,
            SplittableRandom rnd,
            int lanes,
            RateSchedule warmupSchedule,
            RateSchedule windowSchedule) {
        this.context = (ContextInternal) context;
        this.sender = sender;
        this.recorders = recorders;
        this.rnd = rnd;
        this.lanes = lanes;
        this.warmupSchedule = warmupSchedule;
        this.windowSchedule = windowSchedule;
    }

    /**
     * Starts pacing: the warm-up's timetable until the window starts, then the window's until its end. The switch
     * is a task of its own at the window's start that swaps the fields the one chain of ticks reads, so the pacing
     * code has no branch the warm-up never took (see {@link LatencyRecorders}): the warm-up's timetable has no end.
     */
    void start(long endNanos) {
        context.runOnContext(v -> {
            long untilWindow = windowSchedule.startNanos() - System.nanoTime();
            if (untilWindow > 0) {
                schedule = warmupSchedule;
                last = Long.MAX_VALUE;
                phase = recorders.warmupPhase();
                context.nettyEventLoop()
                        .schedule(() -> context.emit(x -> enterWindow(endNanos)), untilWindow, TimeUnit.NANOSECONDS);
            } else {
                enterWindow(endNanos);
            }
            tick();
        });
    }

    /** Stops waking up; requests already in flight complete as usual. */
    void stop() {
        running = false;
    }

    /** The window's fresh timetable; warm-up requests still waiting for a lane are dropped, not replayed. */
    private void enterWindow(long endNanos) {
        schedule = windowSchedule;
        last = windowSchedule.dueCount(endNanos - 1);
        phase = recorders.windowPhase();
        due = 0;
        next = 0;
    }

    private void tick() {
        if (!running) {
            return;
        }
        long now = System.nanoTime();
        RateSchedule current = schedule;
        long newDue = Math.min(current.dueCount(now), last);
        for (long i = due; i < newDue; i++) {
            phase.generatorLag(now - current.intendedNanos(i));
        }
        due = Math.max(due, newDue);
        pump();
        if (due < last) {
            context.nettyEventLoop()
                    .schedule(
                            () -> context.emit(v -> tick()),
                            Math.max(0, current.intendedNanos(due) - System.nanoTime()),
                            TimeUnit.NANOSECONDS);
        }
    }

    private void pump() {
        while (inFlight < lanes && next < due) {
            inFlight++;
            Future<Void> f = sender.send(schedule.intendedNanos(next++), rnd, phase);
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
