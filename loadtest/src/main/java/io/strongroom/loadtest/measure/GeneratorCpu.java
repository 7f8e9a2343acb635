package io.strongroom.loadtest.measure;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the generator's own time went during the measured window, from Linux's per-thread scheduler statistics
 * ({@code /proc/self/task/TID/schedstat}: time on a CPU, time runnable but waiting for one): how long the client
 * event loops ran, how long they were <em>ready and not running</em> (another thread of this JVM or another
 * process had their core), and how much CPU the rest of this JVM used meanwhile (JIT compilers, GC, the sampler).
 * Generator lag with a large wait means the loops were descheduled; lag with neither means the loops themselves
 * were too slow. Not thread-safe: the sampler's thread calls {@link #begin} and {@link #end}.
 */
public final class GeneratorCpu {

    /** The window's figures in milliseconds. */
    public record Figures(double loopRunMillis, double loopWaitMillis, double otherThreadsMillis) {}

    private record Snapshot(long loopRun, long loopWait, long process) {}

    private final List<Path> loops;
    private final OperatingSystemMXBean os;
    private Snapshot begin;
    private Figures figures;

    private GeneratorCpu(List<Path> loops, OperatingSystemMXBean os) {
        this.loops = loops;
        this.os = os;
    }

    /**
     * For the event-loop threads named by {@link #currentThreadId()} (called on each loop); null where the kernel
     * keeps no per-thread scheduler statistics (not Linux, or schedstat unavailable).
     */
    public static GeneratorCpu of(List<String> loopThreadIds) {
        if (!(ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os)
                || os.getProcessCpuTime() < 0) {
            return null;
        }
        List<Path> paths = loopThreadIds.stream()
                .map(tid -> Path.of("/proc/self/task", tid, "schedstat"))
                .toList();
        return paths.isEmpty() || !paths.stream().allMatch(Files::isReadable) ? null : new GeneratorCpu(paths, os);
    }

    /** The calling thread's id in the kernel ({@code /proc/thread-self}), or null where there is none. */
    public static String currentThreadId() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/thread-self"))
                    .getFileName()
                    .toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** At the window's start. */
    public void begin() {
        begin = snapshot();
    }

    /** At the window's end. */
    public void end() {
        Snapshot end = snapshot();
        if (begin == null || end == null) {
            return;
        }
        long loopRun = end.loopRun - begin.loopRun;
        figures = new Figures(
                loopRun / 1e6, (end.loopWait - begin.loopWait) / 1e6, (end.process - begin.process - loopRun) / 1e6);
    }

    /** The window's figures after {@link #end}; null if a loop thread was gone by then. */
    public Figures figures() {
        return figures;
    }

    private Snapshot snapshot() {
        long run = 0;
        long wait = 0;
        for (Path p : loops) {
            String[] f;
            try {
                f = Files.readString(p).trim().split(" ");
            } catch (IOException e) {
                return null;
            }
            run += Long.parseLong(f[0]);
            wait += Long.parseLong(f[1]);
        }
        return new Snapshot(run, wait, os.getProcessCpuTime());
    }
}
