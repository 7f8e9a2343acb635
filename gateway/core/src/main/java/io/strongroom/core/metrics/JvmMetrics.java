package io.strongroom.core.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The JVM and process families under the names Prometheus' client libraries give them, read
 * from the platform MXBeans and (on Linux) {@code /proc/self/status} at each scrape.
 */
public final class JvmMetrics implements MetricsSource {
    private static final Path PROC_STATUS = Path.of("/proc/self/status");

    @Override
    public void writeTo(PrometheusWriter out) {
        process(out);
        memory(out);
        threads(out);
    }

    private static void process(PrometheusWriter out) {
        out.single(
                MetricCatalog.PROCESS_START,
                ManagementFactory.getRuntimeMXBean().getStartTime() / 1e3);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            out.single(MetricCatalog.PROCESS_CPU, os.getProcessCpuTime() / 1e9);
        }
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            out.single(MetricCatalog.PROCESS_OPEN_FDS, os.getOpenFileDescriptorCount());
            out.single(MetricCatalog.PROCESS_MAX_FDS, os.getMaxFileDescriptorCount());
        }
        if (Files.isReadable(PROC_STATUS)) {
            List<String> status = readLines();
            out.single(MetricCatalog.PROCESS_RESIDENT_MEMORY, kibibytes(status, "VmRSS:"));
            out.single(MetricCatalog.PROCESS_VIRTUAL_MEMORY, kibibytes(status, "VmSize:"));
        }
    }

    private static List<String> readLines() {
        try {
            return Files.readAllLines(PROC_STATUS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A {@code /proc/self/status} line such as {@code VmRSS:   123456 kB}, in bytes. */
    private static long kibibytes(List<String> status, String key) {
        for (String line : status) {
            if (line.startsWith(key)) {
                String[] parts = line.substring(key.length()).trim().split("\\s+");
                return Long.parseLong(parts[0]) * 1024;
            }
        }
        throw new IllegalStateException("no " + key + " in " + PROC_STATUS);
    }

    private static void memory(PrometheusWriter out) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        MemoryUsage heap = memory.getHeapMemoryUsage();
        MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
        perArea(out, MetricCatalog.JVM_MEMORY_USED, heap, nonHeap, MemoryUsage::getUsed);
        perArea(out, MetricCatalog.JVM_MEMORY_COMMITTED, heap, nonHeap, MemoryUsage::getCommitted);
        perArea(out, MetricCatalog.JVM_MEMORY_MAX, heap, nonHeap, MemoryUsage::getMax);
        List<BufferPoolMXBean> pools = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
        perPool(out, MetricCatalog.JVM_BUFFER_POOL_USED, pools, BufferPoolMXBean::getMemoryUsed);
        perPool(out, MetricCatalog.JVM_BUFFER_POOL_CAPACITY, pools, BufferPoolMXBean::getTotalCapacity);
        perPool(out, MetricCatalog.JVM_BUFFER_POOL_BUFFERS, pools, BufferPoolMXBean::getCount);
        out.family(MetricCatalog.JVM_GC_COLLECTION);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            out.summarySum(
                    MetricCatalog.JVM_GC_COLLECTION, Math.max(0, gc.getCollectionTime()) / 1e3, "gc", gc.getName());
            out.summaryCount(MetricCatalog.JVM_GC_COLLECTION, Math.max(0, gc.getCollectionCount()), "gc", gc.getName());
        }
    }

    private static void perArea(
            PrometheusWriter out,
            Metric metric,
            MemoryUsage heap,
            MemoryUsage nonHeap,
            ToLongFunction<MemoryUsage> value) {
        out.family(metric);
        out.sample(metric, value.applyAsLong(heap), "area", "heap");
        out.sample(metric, value.applyAsLong(nonHeap), "area", "nonheap");
    }

    private static void perPool(
            PrometheusWriter out, Metric metric, List<BufferPoolMXBean> pools, ToLongFunction<BufferPoolMXBean> value) {
        out.family(metric);
        for (BufferPoolMXBean p : pools) {
            out.sample(metric, value.applyAsLong(p), "pool", p.getName());
        }
    }

    private static void threads(PrometheusWriter out) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        out.single(MetricCatalog.JVM_THREADS_CURRENT, threads.getThreadCount());
        out.single(MetricCatalog.JVM_THREADS_DAEMON, threads.getDaemonThreadCount());
        out.single(MetricCatalog.JVM_THREADS_PEAK, threads.getPeakThreadCount());
    }
}
