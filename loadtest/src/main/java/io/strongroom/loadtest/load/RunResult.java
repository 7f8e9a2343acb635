package io.strongroom.loadtest.load;

import io.strongroom.loadtest.cli.LoadTestOptions;
import io.strongroom.loadtest.measure.TimelinePoint;
import io.strongroom.loadtest.report.MachineFacts;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The outcome of one run, as the reports need it. Histogram values are nanoseconds.
 *
 * @param windowSeconds   length of the measured window (warm-up excluded)
 * @param windowCount     responses completed inside the window
 * @param drainCount      responses completed after the window (in the histograms, not in the rate)
 * @param unfinished      requests still without an answer when the drain timed out
 */
public record RunResult(LoadTestOptions options, long startEpochMillis, double windowSeconds, long windowCount,
                        long drainCount, long unfinished, Map<String, Long> countsByStatus, long errors,
                        long bytesIn, long bytesOut, Histogram corrected, Histogram uncorrected,
                        List<TimelinePoint> timeline, MachineFacts machine) {

  public double achievedRate() {
    return windowSeconds > 0 ? windowCount / windowSeconds : 0;
  }

  public double targetRate() {
    return options.rate();
  }
}
