package io.strongroom.core.activity;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The activity log as an append-only JSON-lines file plus an in-memory ring of the latest events for the admin
 * API. One writer thread owns the file: callers only enqueue (never blocking an event loop), and lines never
 * interleave. Each drained batch is written and then forced to disk once. At open, the writer thread first reads
 * the tail of an existing file into the ring (older than anything recorded since), so recent events survive a
 * restart. A full queue drops the event and counts it (a log that
 * stalls the gateway would be worse than a gap, which is reported).
 */
public final class JsonLinesActivityLog implements ActivityLog {
    static final int DEFAULT_RING_SIZE = 2048;
    private static final int QUEUE_CAPACITY = 16_384;
    private static final long TAIL_BYTES = 1 << 20;
    private static final System.Logger LOG = System.getLogger(JsonLinesActivityLog.class.getName());
    private static final ActivityEvent STOP =
            ActivityEvent.of(ActivityType.PROBE, java.time.Instant.EPOCH).build();

    private final Path file;
    private final int ringSize;
    private final ArrayDeque<ActivityEvent> ring = new ArrayDeque<>(); // guarded by itself
    private final BlockingQueue<ActivityEvent> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final Promise<Void> closed = Promise.promise();
    private final Thread writer;
    private volatile boolean closing;

    JsonLinesActivityLog(Path fileOrNull, int ringSize) {
        this.file = fileOrNull;
        this.ringSize = ringSize;
        if (fileOrNull == null) {
            writer = null;
            closed.complete();
            return;
        }
        writer = new Thread(
                () -> {
                    loadTail();
                    writeLoop();
                },
                "strongroom-activity-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** Opens (creating if needed) the log file; its tail is read into the ring by the writer thread, not the caller. */
    public static JsonLinesActivityLog open(Path file) {
        return new JsonLinesActivityLog(file, DEFAULT_RING_SIZE);
    }

    @Override
    public void record(ActivityEvent event) {
        synchronized (ring) {
            if (ring.size() == ringSize) {
                ring.removeFirst();
            }
            ring.addLast(event);
        }
        if (writer != null && (closing || !queue.offer(event)) && dropped.getAndIncrement() % 1000 == 0) {
            LOG.log(
                    Level.WARNING,
                    "activity log {0}: {1} events not written (queue full or closed)",
                    file,
                    String.valueOf(dropped.get()));
        }
    }

    @Override
    public List<ActivityEvent> recent(String volumeOrNull, String kekOrNull, int limit) {
        List<ActivityEvent> out = new ArrayList<>();
        synchronized (ring) {
            Iterator<ActivityEvent> newestFirst = ring.descendingIterator();
            while (newestFirst.hasNext() && out.size() < limit) {
                ActivityEvent e = newestFirst.next();
                if (e.concernsVolume(volumeOrNull) && e.concernsKek(kekOrNull)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    @Override
    public long dropped() {
        return dropped.get();
    }

    @Override
    public Future<Void> close() {
        if (writer != null && !closing) {
            closing = true;
            while (!queue.offer(STOP)) {
                queue.poll(); // full at shutdown: make room for the stop marker; the lost event is counted
                dropped.incrementAndGet();
            }
        }
        return closed.future();
    }

    private void writeLoop() {
        try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            List<ActivityEvent> batch = new ArrayList<>();
            boolean stop = false;
            while (!stop) {
                batch.add(queue.take());
                queue.drainTo(batch);
                StringBuilder lines = new StringBuilder();
                for (ActivityEvent e : batch) {
                    if (e == STOP) {
                        stop = true;
                    } else {
                        lines.append(e.toJson().encode()).append('\n');
                    }
                }
                batch.clear();
                ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(false);
            }
            closed.tryComplete();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "activity log " + file + " stopped: " + e);
            closed.tryFail(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed.tryFail(e);
        }
    }

    private void loadTail() {
        try {
            if (!Files.exists(file)) {
                return;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long start = Math.max(0, channel.size() - TAIL_BYTES);
                ByteBuffer buf = ByteBuffer.allocate((int) (channel.size() - start));
                int n = 0;
                while (buf.hasRemaining() && n >= 0) {
                    n = channel.read(buf, start + buf.position());
                }
                String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
                String[] lines = text.split("\n");
                List<ActivityEvent> old = new ArrayList<>();
                for (int i = start > 0 ? 1 : 0; i < lines.length; i++) { // skip a line cut by the tail's start
                    parseLine(lines[i], old);
                }
                synchronized (ring) {
                    for (int i = old.size() - 1; i >= 0 && ring.size() < ringSize; i--) {
                        ring.addFirst(old.get(i));
                    }
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot read the activity log {0}: {1}", file, e.toString());
        }
    }

    private static void parseLine(String line, List<ActivityEvent> into) {
        if (line.isBlank()) {
            return;
        }
        try {
            into.add(ActivityEvent.fromJson(new JsonObject(line)));
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "skipping an unreadable activity log line");
        }
    }

    @Override
    public String toString() {
        return "JsonLinesActivityLog[" + (file == null ? "memory" : file) + "]";
    }
}
