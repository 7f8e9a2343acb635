package io.strongroom.loadtest.report;

import io.strongroom.loadtest.load.RunResult;
import io.strongroom.loadtest.measure.GeneratorCpu;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Builds summary.json: rates, counts by status, percentiles (corrected and uncorrected), machine, config. */
public final class SummaryJson {

    /** Percentiles reported everywhere, with their JSON keys. */
    static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

    static final String[] KEYS = {"p50", "p90", "p99", "p99.9", "p99.99"};

    private SummaryJson() {}

    public static JsonObject of(RunResult r) {
        JsonObject j = new JsonObject();
        j.put("tool", "strongroom-loadtest");
        j.put("label", r.options().label());
        j.put("started", Instant.ofEpochMilli(r.startEpochMillis()).toString());
        j.put("model", r.options().model().name().toLowerCase(java.util.Locale.ROOT));
        j.put(
                "targetRate",
                r.options().model() == io.strongroom.loadtest.cli.LoadTestOptions.Model.OPEN ? r.targetRate() : null);
        j.put("achievedRate", round(r.achievedRate(), 1));
        j.put("windowSeconds", round(r.windowSeconds(), 3));
        j.put("requests", r.windowCount());
        j.put("completedAfterWindow", r.drainCount());
        j.put("unfinished", r.unfinished());
        j.put("errors", r.errors());
        j.put("countsByStatus", new JsonObject(new LinkedHashMap<String, Object>(r.countsByStatus())));
        double secs = Math.max(r.windowSeconds(), 1e-9);
        j.put(
                "mebibytesPerSecond",
                new JsonObject()
                        .put("in", round(r.bytesIn() / secs / (1 << 20), 2))
                        .put("out", round(r.bytesOut() / secs / (1 << 20), 2)));
        j.put(
                "latencyMillis",
                new JsonObject().put("corrected", latency(r.corrected())).put("uncorrected", latency(r.uncorrected())));
        j.put(
                "generatorLagMillis",
                r.generatorLag() == null
                        ? null
                        : latency(r.generatorLag())
                                .put("toleranceMillis", RunResult.LAG_TOLERANCE_NANOS / 1e6)
                                .put("lateRequests", r.generatorLateCount()));
        GeneratorCpu.Figures cpu = r.generatorCpu();
        j.put(
                "generatorCpuMillis",
                cpu == null
                        ? null
                        : new JsonObject()
                                .put("loopRun", round(cpu.loopRunMillis(), 1))
                                .put("loopWait", round(cpu.loopWaitMillis(), 1))
                                .put("otherThreads", round(cpu.otherThreadsMillis(), 1)));
        j.put("generatorBehind", r.generatorLag() == null ? null : r.generatorBehind());
        j.put("warnings", new JsonArray(new ArrayList<Object>(r.warnings())));
        j.put("machine", new JsonObject(r.machine().toMap()));
        j.put("config", new JsonObject(r.options().toMap()));
        return j;
    }

    /** count, mean, p50 .. p99.99 and max in milliseconds. */
    public static JsonObject latency(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        m.put("mean", round(h.getMean() / 1e6, 4));
        for (int i = 0; i < PERCENTILES.length; i++) {
            m.put(KEYS[i], round(h.getValueAtPercentile(PERCENTILES[i]) / 1e6, 4));
        }
        m.put("max", round(h.getMaxValue() / 1e6, 4));
        return new JsonObject(m);
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
