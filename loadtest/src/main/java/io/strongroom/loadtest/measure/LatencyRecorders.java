package io.strongroom.loadtest.measure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * Where every completed request lands. Thread-safe for many writers (HdrHistogram {@link Recorder}s
 * and adders); the {@link IntervalSampler} reads it once a second.
 *
 * <p>Two recorders, on purpose: {@code corrected} measures from each request's intended send time
 * (open model: start + i/rate), so a stalled server also charges the requests it kept from being
 * sent (coordinated omission corrected, as wrk2 does); {@code uncorrected} measures from the moment
 * the request actually got a connection and was written, which is what a naive tool reports. In the
 * closed model there is no schedule and both get the same value. Values are nanoseconds.
 *
 * <p>Requests issued during the warm-up go to their own set of recorders and counters (a {@link Phase}),
 * whenever they complete: a cold, backed-up warm-up never leaks into the measured window, and the
 * window's recorders need no reset (no race with requests completing at the boundary). Both phases are
 * recorded by the same code, so the warm-up also warms the JIT for exactly what the window runs: a
 * branch first taken when the window opens would send compiled code back to the interpreter and
 * stall the generator in the window's first seconds. The open model also records, per request, how
 * late the generator itself learned it was due ({@link #recordGeneratorLag}): that delay is the
 * generator's, not the server's.
 */
public final class LatencyRecorders {

  /** HdrHistogram precision: 3 significant digits (0.1% value error), auto-resizing range. */
  public static final int SIGNIFICANT_DIGITS = 3;

  /** The recorders and counters of one phase (warm-up or measured window). */
  private static final class Phase {
    final Recorder corrected = new Recorder(SIGNIFICANT_DIGITS);
    final Recorder uncorrected = new Recorder(SIGNIFICANT_DIGITS);
    final Recorder generatorLag = new Recorder(SIGNIFICANT_DIGITS);
    final AtomicLongArray statusCounts = new AtomicLongArray(600);
    final LongAdder errors = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final LongAdder ioErrors = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();

    void response(int status, long intendedNanos, long sentNanos, long doneNanos) {
      corrected.recordValue(Math.max(1, doneNanos - intendedNanos));
      uncorrected.recordValue(Math.max(1, doneNanos - sentNanos));
      if (status >= 0 && status < 600) {
        statusCounts.incrementAndGet(status);
      }
      if (status < 200 || status >= 300) {
        errors.increment();
      }
    }

    void failure(Throwable cause) {
      errors.increment();
      if (isTimeout(cause)) {
        timeouts.increment();
      } else {
        ioErrors.increment();
      }
    }
  }

  private final Phase warmup = new Phase();
  private final Phase window = new Phase();

  private Phase phase(boolean inWarmup) {
    return inWarmup ? warmup : window;
  }

  /**
   * A response arrived (any status); times from {@link System#nanoTime()}.
   *
   * @param warmup the request was issued during the warm-up: kept apart from the measured window
   */
  public void recordResponse(int status, long intendedNanos, long sentNanos, long doneNanos, boolean warmup) {
    phase(warmup).response(status, intendedNanos, sentNanos, doneNanos);
  }

  /** The request failed without a response (connect error, reset, timeout). */
  public void recordFailure(Throwable cause, boolean warmup) {
    phase(warmup).failure(cause);
  }

  private static boolean isTimeout(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TimeoutException || c.getClass().getSimpleName().contains("Timeout")) {
        return true;
      }
    }
    return false;
  }

  public void addBytesIn(long n, boolean warmup) { phase(warmup).bytesIn.add(n); }
  public void addBytesOut(long n, boolean warmup) { phase(warmup).bytesOut.add(n); }

  /**
   * Open model: how long after its intended send time the generator got round to a request (timer and
   * client event loop), before any wait for a free connection.
   */
  public void recordGeneratorLag(long lagNanos, boolean warmup) {
    phase(warmup).generatorLag.recordValue(Math.max(0, lagNanos));
  }

  public Recorder corrected() { return window.corrected; }
  public Recorder uncorrected() { return window.uncorrected; }
  public Recorder warmupCorrected() { return warmup.corrected; }
  public Recorder warmupUncorrected() { return warmup.uncorrected; }
  public Recorder generatorLag() { return window.generatorLag; }
  public Recorder warmupGeneratorLag() { return warmup.generatorLag; }
  public long errors() { return window.errors.sum(); }
  public long warmupErrors() { return warmup.errors.sum(); }
  public long bytesIn() { return window.bytesIn.sum(); }
  public long bytesOut() { return window.bytesOut.sum(); }

  /** Window responses by HTTP status plus "timeout" and "io-error" for requests without a response. */
  public Map<String, Long> countsByStatus() {
    Map<String, Long> byStatus = new TreeMap<>();
    for (int s = 0; s < window.statusCounts.length(); s++) {
      long n = window.statusCounts.get(s);
      if (n > 0) {
        byStatus.put(Integer.toString(s), n);
      }
    }
    Map<String, Long> all = new LinkedHashMap<>(byStatus);
    all.put("timeout", window.timeouts.sum());
    all.put("io-error", window.ioErrors.sum());
    return all;
  }
}
