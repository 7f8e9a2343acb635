package io.strongroom.vault;

import io.strongroom.vault.impl.VaultRequest;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency of vault calls per (endpoint, operation): one HdrHistogram {@link Recorder} each (wait-free
 * for the many recording threads), read as interval snapshots. Raises warnings (and rate-limited
 * WARNING log lines) when calls run cross-region or when the same-region p99 of an interval exceeds
 * the threshold: wrap and unwrap sit on the gateway's key path and must stay in-region. Calls that
 * generate a key (create, rotate) are recorded but not held to the threshold: generating an RSA key
 * takes hundreds of milliseconds to seconds however healthy the vault is.
 */
public final class VaultLatency {
    private static final System.Logger LOG = System.getLogger(VaultLatency.class.getName());
    private static final double NANOS_PER_MILLI = 1_000_000.0;

    private record Series(String endpoint, String region, String operation) {}

    private static final class Track {
        final Recorder recorder = new Recorder(3);
        Histogram recycled;
    }

    private final String localRegion;
    private final long p99WarnNanos;
    private final long logIntervalNanos;
    private final LongSupplier nanoClock;
    private final Map<Series, Track> tracks = new ConcurrentHashMap<>();
    private final Map<String, String> crossRegionSinceSnapshot = new ConcurrentHashMap<>();
    private final Map<String, Long> lastLogged = new ConcurrentHashMap<>();
    private final LongAdder crossRegionCalls = new LongAdder();
    private final LongAdder warningsRaised = new LongAdder();
    private volatile List<String> lastWarnings = List.of();

    public VaultLatency(String localRegion, Duration p99WarnThreshold, Duration warningLogInterval) {
        this(localRegion, p99WarnThreshold, warningLogInterval, System::nanoTime);
    }

    /** With an injectable nano clock (rate limiting of log lines). */
    public VaultLatency(
            String localRegion, Duration p99WarnThreshold, Duration warningLogInterval, LongSupplier nanoClock) {
        this.localRegion = localRegion;
        this.p99WarnNanos = p99WarnThreshold.toNanos();
        this.logIntervalNanos = warningLogInterval.toNanos();
        this.nanoClock = nanoClock;
    }

    /** Records one call that got an HTTP answer from the endpoint. */
    public void record(VaultEndpoint endpoint, String operation, long elapsedNanos) {
        record(endpoint.baseUrl(), endpoint.region(), operation, elapsedNanos);
    }

    /**
     * Records one answered call of an endpoint named by any label: a vault's base URL, or another KEK provider's
     * name (the gateway's PKCS#11 token records as {@code pkcs11:<token>}).
     */
    public void record(String endpoint, String region, String operation, long elapsedNanos) {
        Series series = new Series(endpoint, region, operation);
        tracks.computeIfAbsent(series, s -> new Track()).recorder.recordValue(Math.max(0, elapsedNanos));
        if (!region.equals(localRegion)) {
            crossRegionCalls.increment();
            crossRegionSinceSnapshot.put(endpoint, region);
            warn("cross:" + endpoint, crossRegionText(endpoint, region, -1, operation));
        }
    }

    /** Interval snapshots since the previous call, one per (endpoint, operation) ever seen. */
    public synchronized List<LatencySnapshot> snapshot() {
        List<LatencySnapshot> out = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<Series, Track> e : tracks.entrySet()) {
            Series s = e.getKey();
            Track t = e.getValue();
            Histogram h = t.recorder.getIntervalHistogram(t.recycled);
            t.recycled = h;
            boolean cross = !s.region().equals(localRegion);
            long count = h.getTotalCount();
            LatencySnapshot snap = new LatencySnapshot(
                    s.endpoint(),
                    s.region(),
                    s.operation(),
                    cross,
                    count,
                    count == 0 ? 0 : h.getValueAtPercentile(50) / NANOS_PER_MILLI,
                    count == 0 ? 0 : h.getValueAtPercentile(99) / NANOS_PER_MILLI,
                    count == 0 ? 0 : h.getMaxValue() / NANOS_PER_MILLI,
                    h.copy());
            out.add(snap);
            if (count == 0) {
                continue;
            }
            if (cross) {
                warnings.add(crossRegionText(s.endpoint(), s.region(), count, s.operation()));
            } else if (!VaultRequest.KEY_GENERATING.contains(s.operation())
                    && h.getValueAtPercentile(99) > p99WarnNanos) {
                String text = String.format(
                        Locale.US,
                        "slow same-region vault: %s p99 %.1f ms > %d ms over %d calls at %s (region %s)",
                        s.operation(),
                        snap.p99Millis(),
                        Duration.ofNanos(p99WarnNanos).toMillis(),
                        count,
                        s.endpoint(),
                        s.region());
                warnings.add(text);
                warn("slow:" + s.endpoint() + ":" + s.operation(), text);
            }
        }
        out.sort(Comparator.comparing(LatencySnapshot::endpoint).thenComparing(LatencySnapshot::operation));
        crossRegionSinceSnapshot.clear();
        lastWarnings = List.copyOf(warnings);
        return out;
    }

    /**
     * Current warnings: those found by the latest {@link #snapshot()}, plus cross-region calls made
     * since then.
     */
    public List<String> warnings() {
        Map<String, String> all = new LinkedHashMap<>();
        for (String w : lastWarnings) {
            all.put(w, w);
        }
        crossRegionSinceSnapshot.forEach((endpoint, region) -> {
            String text = crossRegionText(endpoint, region, -1, null);
            all.put(text, text);
        });
        return List.copyOf(all.values());
    }

    /** Total calls answered by endpoints outside the local region (a metric). */
    public long crossRegionCalls() {
        return crossRegionCalls.sum();
    }

    /** Total warning log lines emitted (after rate limiting). */
    public long warningsLogged() {
        return warningsRaised.sum();
    }

    private String crossRegionText(String endpoint, String region, long count, String operation) {
        String calls = count >= 0 ? count + " " + operation + " calls" : "calls";
        return "cross-region vault: " + calls + " to " + endpoint + " in region " + region + " from local region "
                + localRegion;
    }

    private void warn(String key, String text) {
        long now = nanoClock.getAsLong();
        Long previous = lastLogged.get(key);
        if (previous != null && now - previous < logIntervalNanos) {
            return;
        }
        boolean won =
                previous == null ? lastLogged.putIfAbsent(key, now) == null : lastLogged.replace(key, previous, now);
        if (won) {
            warningsRaised.increment();
            LOG.log(Level.WARNING, text);
        }
    }
}
