package io.strongroom.loadtest.load;

import io.strongroom.loadtest.cli.LoadTestOptions;
import io.strongroom.loadtest.measure.GeneratorCpu;
import io.strongroom.loadtest.measure.IntervalSampler;
import io.strongroom.loadtest.measure.LatencyRecorders;
import io.strongroom.loadtest.nbd.ExportInfo;
import io.strongroom.loadtest.nbd.NbdSender;
import io.strongroom.loadtest.nbd.NbdTarget;
import io.strongroom.loadtest.report.MachineFacts;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One load test from start to report data: builds the client on its own Vert.x instance, runs the
 * driver through warm-up and the measured window, samples once a second, drains, and returns the
 * {@link RunResult}. Blocking: call it from a plain thread (main or a test), never an event loop.
 */
public final class LoadRun {

    private static final long DRAIN_POLL_MILLIS = 10;
    /** An interval shorter than this at the end is folded into the last one instead of ticking twice. */
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final LoadTestOptions options;
    private final Consumer<String> progress;

    /** How long before the window the generator collects its garbage (see {@link #run}). */
    private static final long COLLECT_BEFORE_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    public LoadRun(LoadTestOptions options, Consumer<String> progress) {
        this.options = options.validate();
        this.progress = options.quiet() ? line -> {} : progress;
    }

    public RunResult run() throws IOException, InterruptedException {
        Files.createDirectories(options.out());
        Vertx vertx = HttpClients.clientVertx(options.eventLoops());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "loadtest-sampler");
            t.setDaemon(true);
            return t;
        });
        try (PrintStream correctedLog = log("corrected.hlog");
                PrintStream uncorrectedLog = log("uncorrected.hlog")) {
            // NBD targets need no HTTP client (and --create-volumes is refused for them)
            HttpClientAgent client = options.nbd() ? null : HttpClients.create(vertx, options);
            if (options.createVolumes()) {
                VolumeCreator.createAll(client, options).await();
            }
            LatencyRecorders recorders = new LatencyRecorders();
            boolean open = options.model() == LoadTestOptions.Model.OPEN;
            IntervalSampler sampler = new IntervalSampler(recorders, open, progress);
            sampler.logTo(correctedLog, uncorrectedLog);
            List<Context> contexts = new ArrayList<>();
            for (int i = 0; i < options.eventLoops(); i++) {
                contexts.add(vertx.getOrCreateContext());
            }
            GeneratorCpu cpu = loopCpu(contexts);
            RequestSender requester;
            LongSupplier inFlight;
            Http1Sender http1 = null;
            NbdSender nbd = null;
            if (options.nbd()) {
                List<NbdTarget> targets =
                        options.targets().stream().map(NbdTarget::parse).toList();
                nbd = new NbdSender(
                        vertx,
                        options,
                        targets,
                        new Workload(
                                options, targets.stream().map(NbdTarget::export).toList()));
                try {
                    nbd.open(contexts, options.connections()).await();
                    checkExports(nbd, targets);
                } catch (Exception e) { // a failed handshake's IOException too: DISC the connections that opened
                    nbd.close().await();
                    throw e;
                }
                requester = nbd;
                inFlight = nbd::inFlight;
            } else {
                List<Target> targets =
                        options.targets().stream().map(Target::parse).toList();
                Workload workload = new Workload(options);
                if (options.protocol() == LoadTestOptions.Protocol.HTTP1) {
                    http1 = new Http1Sender(vertx, options, targets, workload);
                    http1.open(contexts, options.connections()).await();
                    requester = http1;
                    inFlight = http1::inFlight;
                } else {
                    BlockRequester h2 = new BlockRequester(
                            client,
                            targets,
                            workload,
                            options.token(),
                            options.requestTimeout().toMillis());
                    for (Context context : contexts) {
                        Future<Void> primed = Future.future(p -> context.runOnContext(v -> ConnectionPrimer.prime(
                                        client,
                                        targets,
                                        options.connections() * options.streamsPerConnection(),
                                        options.requestTimeout().toMillis())
                                .onComplete(p)));
                        primed.await();
                    }
                    requester = h2;
                    inFlight = h2::inFlight;
                }
            }
            long seed = System.nanoTime();
            int lanes = options.connections()
                    * options.streamsPerConnection()
                    * options.targets().size();
            LoadDriver driver = open
                    ? new OpenModelDriver(requester, recorders, contexts, options.rate(), lanes, seed)
                    : new ClosedModelDriver(requester, recorders, contexts, lanes, seed);

            long warmupNanos = options.warmup().toNanos();
            long durationNanos = options.duration().toNanos();
            long start = System.nanoTime();
            long measureStart = start + warmupNanos;
            long end = measureStart + durationNanos;
            CountDownLatch windowClosed = new CountDownLatch(1);
            Runnable begin = () -> {
                sampler.beginMeasurement();
                if (cpu != null) {
                    cpu.begin();
                }
            };
            Runnable measure = () -> scheduleTicks(ticker, sampler, measureStart, durationNanos, () -> {
                sampler.endMeasurement();
                if (cpu != null) {
                    cpu.end();
                }
                windowClosed.countDown();
            });
            if (warmupNanos == 0) {
                runOn(ticker, begin);
                driver.start(start, measureStart, end);
                measure.run();
            } else {
                driver.start(start, measureStart, end);
                if (warmupNanos >= COLLECT_BEFORE_WINDOW_NANOS * 2) {
                    // A full collection inside the warm-up, as benchmark harnesses do between phases: the window starts
                    // with
                    // an empty young generation and the long-lived recorders in the old one, so at the usual rates no
                    // young
                    // collection (each a pause of the generator's single core) falls inside a window of 10 s.
                    ticker.schedule(
                            System::gc,
                            measureStart - COLLECT_BEFORE_WINDOW_NANOS - System.nanoTime(),
                            TimeUnit.NANOSECONDS);
                }
                scheduleTicks(ticker, sampler, start, warmupNanos, () -> {
                    begin.run();
                    measure.run();
                });
            }
            windowClosed.await();
            driver.stop();
            long unfinished = drain(inFlight);
            runOn(ticker, sampler::finish);
            if (http1 != null) {
                http1.close().await();
            }
            if (nbd != null) {
                nbd.close().await();
            }
            if (client != null) {
                client.close().await();
            }
            return new RunResult(
                    options,
                    sampler.measureStartEpochMillis(),
                    sampler.windowSeconds(),
                    sampler.windowCount(),
                    sampler.drainCount(),
                    unfinished,
                    recorders.countsByStatus(),
                    recorders.errors(),
                    recorders.bytesIn(),
                    recorders.bytesOut(),
                    sampler.totalCorrected(),
                    sampler.totalUncorrected(),
                    open ? sampler.totalGeneratorLag() : null,
                    cpu == null ? null : cpu.figures(),
                    sampler.timeline(),
                    MachineFacts.collect(vertx.isNativeTransportEnabled()));
        } finally {
            ticker.shutdownNow();
            vertx.close().await();
        }
    }

    /**
     * The kernel's ids of the client event-loop threads, each put under SCHED_FIFO first with {@code
     * --realtime-loops}: a loop that becomes runnable then takes its core from every ordinary thread at once (other
     * processes, and this JVM's compilers, collector and sampler, which run while the loops wait for I/O) instead of
     * waiting for the scheduler's next turn. Returns their window accounting, or null where Linux's per-thread
     * statistics are unavailable.
     */
    private GeneratorCpu loopCpu(List<Context> contexts) throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        for (Context context : contexts) {
            String id = Future.<String>future(
                            p -> context.runOnContext(v -> p.complete(GeneratorCpu.currentThreadId())))
                    .await();
            if (options.realtimeLoops()) {
                if (id == null) {
                    throw new IllegalStateException("--realtime-loops: no Linux thread id for the client event loop");
                }
                Process chrt = new ProcessBuilder("chrt", "--fifo", "--pid", "1", id)
                        .redirectErrorStream(true)
                        .start();
                String said = new String(chrt.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (chrt.waitFor() != 0) {
                    throw new IllegalStateException("--realtime-loops: chrt refused (" + said + ")");
                }
            }
            if (id != null) {
                ids.add(id);
            }
        }
        return ids.size() == contexts.size() ? GeneratorCpu.of(ids) : null;
    }

    /**
     * Refuses what the servers said they cannot do (FUA, FLUSH, writes to a read-only export), and says so when the
     * working set reaches past an export's end (those requests fail with the server's error, which a test of error
     * counting wants).
     */
    private void checkExports(NbdSender nbd, List<NbdTarget> targets) {
        for (int t = 0; t < targets.size(); t++) {
            ExportInfo info = nbd.export(t);
            NbdTarget target = targets.get(t);
            if (options.fua() && !info.canFua()) {
                throw new IllegalArgumentException("--fua: " + target + " does not accept FUA");
            }
            if (options.flushEvery() > 0 && !info.canFlush()) {
                throw new IllegalArgumentException("--flush-every: " + target + " does not accept FLUSH");
            }
            if (options.readRatio() < 1.0 && info.readOnly()) {
                throw new IllegalArgumentException("--read-ratio: " + target + " is read-only");
            }
            long needed = options.workingSetBlocks() * options.blockSize();
            if (needed > info.sizeBytes()) {
                progress.accept(String.format(
                        java.util.Locale.US,
                        "warning: the working set (%d bytes) reaches past the end of %s (%d bytes); requests there fail",
                        needed,
                        target,
                        info.sizeBytes()));
            }
        }
    }

    private PrintStream log(String name) throws IOException {
        OutputStream out = Files.newOutputStream(options.out().resolve(name));
        return new PrintStream(out, false, StandardCharsets.US_ASCII);
    }

    /**
     * Ticks once a second from {@code from} for {@code length}, then runs {@code atEnd} exactly at the
     * end (the last interval may be shorter than a second).
     */
    private static void scheduleTicks(
            ScheduledExecutorService ticker, IntervalSampler sampler, long from, long length, Runnable atEnd) {
        scheduleTick(ticker, sampler, from, length, 1, atEnd);
    }

    private static void scheduleTick(
            ScheduledExecutorService ticker, IntervalSampler sampler, long from, long length, int k, Runnable atEnd) {
        long offset = Math.min(TimeUnit.SECONDS.toNanos(k), length);
        boolean last = offset >= length - MIN_TICK_NANOS;
        long at = from + (last ? length : offset);
        ticker.schedule(
                () -> {
                    if (last) {
                        atEnd.run();
                    } else {
                        sampler.tick();
                        scheduleTick(ticker, sampler, from, length, k + 1, atEnd);
                    }
                },
                Math.max(0, at - System.nanoTime()),
                TimeUnit.NANOSECONDS);
    }

    private long drain(LongSupplier inFlight) throws InterruptedException {
        long deadline = System.nanoTime() + options.drainTimeout().toNanos();
        while (inFlight.getAsLong() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(DRAIN_POLL_MILLIS);
        }
        return inFlight.getAsLong();
    }

    private static void runOn(ScheduledExecutorService ticker, Runnable task) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        ticker.execute(() -> {
            try {
                task.run();
            } finally {
                done.countDown();
            }
        });
        done.await();
    }
}
