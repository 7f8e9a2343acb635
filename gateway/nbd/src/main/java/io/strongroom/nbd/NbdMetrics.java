package io.strongroom.nbd;

import io.strongroom.core.metrics.LatencyHistogram;
import io.strongroom.core.metrics.Metric;
import io.strongroom.core.metrics.MetricCatalog;
import io.strongroom.core.metrics.MetricsSource;
import io.strongroom.core.metrics.PrometheusWriter;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests per command and result (a latency histogram with {@link LatencyHistogram#REQUEST_BUCKETS}, as the HTTP
 * frontend's per route and status), bytes read and written, connections open. Recording is allocation-free
 * after the first request of a (command, result) pair: a flat array, no label strings on the request path.
 */
public final class NbdMetrics implements MetricsSource {
    /** Command labels; the index is the command's slot. */
    static final List<String> COMMANDS = List.of("read", "write", "flush", "trim", "write_zeroes", "other");
    /** Result labels: ok or the errno name. */
    static final List<String> RESULTS = List.of("ok", "EPERM", "EIO", "EINVAL", "ENOSPC", "ESHUTDOWN", "other");

    private final AtomicReferenceArray<LatencyHistogram> series =
            new AtomicReferenceArray<>(COMMANDS.size() * RESULTS.size());
    private final LongAdder readBytes = new LongAdder();
    private final LongAdder writeBytes = new LongAdder();
    private final AtomicInteger connections = new AtomicInteger();

    void record(int command, int error, long nanos) {
        int index = commandSlot(command) * RESULTS.size() + resultSlot(error);
        LatencyHistogram one = series.get(index);
        if (one == null) {
            series.compareAndSet(index, null, new LatencyHistogram(LatencyHistogram.REQUEST_BUCKETS));
            one = series.get(index);
        }
        one.record(nanos);
    }

    void addReadBytes(long n) {
        readBytes.add(n);
    }

    void addWriteBytes(long n) {
        writeBytes.add(n);
    }

    void connectionOpened() {
        connections.incrementAndGet();
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }

    /** Connections open now. */
    public int connectionsOpen() {
        return connections.get();
    }

    /** Requests answered so far with this command label and result label (tests). */
    public long count(String command, String result) {
        LatencyHistogram one = series.get(COMMANDS.indexOf(command) * RESULTS.size() + RESULTS.indexOf(result));
        return one == null ? 0 : one.count();
    }

    private static int commandSlot(int command) {
        return switch (command) {
            case NbdProtocol.CMD_READ -> 0;
            case NbdProtocol.CMD_WRITE -> 1;
            case NbdProtocol.CMD_FLUSH -> 2;
            case NbdProtocol.CMD_TRIM -> 3;
            case NbdProtocol.CMD_WRITE_ZEROES -> 4;
            default -> 5;
        };
    }

    private static int resultSlot(int error) {
        int i = RESULTS.indexOf(NbdProtocol.errorName(error));
        return i < 0 ? RESULTS.size() - 1 : i;
    }

    @Override
    public void writeTo(PrometheusWriter out) {
        Metric duration = MetricCatalog.NBD_REQUEST_DURATION;
        out.family(duration);
        for (int i = 0; i < series.length(); i++) {
            LatencyHistogram one = series.get(i);
            if (one != null) {
                one.writeTo(
                        out,
                        duration,
                        "command",
                        COMMANDS.get(i / RESULTS.size()),
                        "result",
                        RESULTS.get(i % RESULTS.size()));
            }
        }
        out.family(MetricCatalog.NBD_READ_BYTES);
        out.sample(MetricCatalog.NBD_READ_BYTES, readBytes.sum());
        out.family(MetricCatalog.NBD_WRITE_BYTES);
        out.sample(MetricCatalog.NBD_WRITE_BYTES, writeBytes.sum());
        out.family(MetricCatalog.NBD_CONNECTIONS_OPEN);
        out.sample(MetricCatalog.NBD_CONNECTIONS_OPEN, connections.get());
    }
}
