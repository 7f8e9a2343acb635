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
 * <p>Requests issued during the warm-up go to their own pair of recorders and counters, whenever they
 * complete: a cold, backed-up warm-up never leaks into the measured window, and the window's
 * recorders need no reset (no race with requests completing at the boundary). The open model also
 * records, per request of the window, how late the generator itself learned it was due
 * ({@link #recordGeneratorLag}): that delay is the generator's, not the server's.
 */
public final class LatencyRecorders {

  /** HdrHistogram precision: 3 significant digits (0.1% value error), auto-resizing range. */
  public static final int SIGNIFICANT_DIGITS = 3;

  private final Recorder corrected = new Recorder(SIGNIFICANT_DIGITS);
  private final Recorder uncorrected = new Recorder(SIGNIFICANT_DIGITS);
  private final Recorder warmupCorrected = new Recorder(SIGNIFICANT_DIGITS);
  private final Recorder warmupUncorrected = new Recorder(SIGNIFICANT_DIGITS);
  private final Recorder generatorLag = new Recorder(SIGNIFICANT_DIGITS);
  private final LongAdder warmupErrors = new LongAdder();
  private final AtomicLongArray statusCounts = new AtomicLongArray(600);
  private final LongAdder errors = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final LongAdder ioErrors = new LongAdder();
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();

  /**
   * A response arrived (any status); times from {@link System#nanoTime()}.
   *
   * @param warmup the request was issued during the warm-up: kept apart from the measured window
   */
  public void recordResponse(int status, long intendedNanos, long sentNanos, long doneNanos, boolean warmup) {
    if (warmup) {
      warmupCorrected.recordValue(Math.max(1, doneNanos - intendedNanos));
      warmupUncorrected.recordValue(Math.max(1, doneNanos - sentNanos));
      if (status < 200 || status >= 300) {
        warmupErrors.increment();
      }
      return;
    }
    corrected.recordValue(Math.max(1, doneNanos - intendedNanos));
    uncorrected.recordValue(Math.max(1, doneNanos - sentNanos));
    if (status >= 0 && status < 600) {
      statusCounts.incrementAndGet(status);
    }
    if (status < 200 || status >= 300) {
      errors.increment();
    }
  }

  /** The request failed without a response (connect error, reset, timeout). */
  public void recordFailure(Throwable cause, boolean warmup) {
    if (warmup) {
      warmupErrors.increment();
      return;
    }
    errors.increment();
    if (isTimeout(cause)) {
      timeouts.increment();
    } else {
      ioErrors.increment();
    }
  }

  private static boolean isTimeout(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TimeoutException || c.getClass().getSimpleName().contains("Timeout")) {
        return true;
      }
    }
    return false;
  }

  public void addBytesIn(long n) { bytesIn.add(n); }
  public void addBytesOut(long n) { bytesOut.add(n); }

  /**
   * Open model, measured window only: how long after its intended send time the generator got round
   * to a request (pacer and client event loop), before any wait for a free connection.
   */
  public void recordGeneratorLag(long lagNanos) {
    generatorLag.recordValue(Math.max(0, lagNanos));
  }

  public Recorder corrected() { return corrected; }
  public Recorder uncorrected() { return uncorrected; }
  public Recorder warmupCorrected() { return warmupCorrected; }
  public Recorder warmupUncorrected() { return warmupUncorrected; }
  public Recorder generatorLag() { return generatorLag; }
  public long errors() { return errors.sum(); }
  public long warmupErrors() { return warmupErrors.sum(); }
  public long bytesIn() { return bytesIn.sum(); }
  public long bytesOut() { return bytesOut.sum(); }

  /** Responses by HTTP status plus "timeout" and "io-error" for requests without a response. */
  public Map<String, Long> countsByStatus() {
    Map<String, Long> byStatus = new TreeMap<>();
    for (int s = 0; s < statusCounts.length(); s++) {
      long n = statusCounts.get(s);
      if (n > 0) {
        byStatus.put(Integer.toString(s), n);
      }
    }
    Map<String, Long> all = new LinkedHashMap<>(byStatus);
    all.put("timeout", timeouts.sum());
    all.put("io-error", ioErrors.sum());
    return all;
  }
}
