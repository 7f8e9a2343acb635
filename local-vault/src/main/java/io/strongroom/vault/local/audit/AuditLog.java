package io.strongroom.vault.local.audit;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Append-only audit trail: one JSON line per vault operation (time, region, identity, client
 * address, operation, key name and version, HTTP status, error code, latency in ms). Callers pass
 * names and codes only; key material and tokens never reach this class. Lines are written in order
 * by one dedicated thread, so event loops never touch the file; the file is fsynced on close.
 */
public final class AuditLog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());

    private final FileChannel channel;
    private final ExecutorService writer;
    private final String region;

    public AuditLog(Path file, String region) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        this.region = region;
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "local-vault-audit");
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues one line; never blocks the caller. */
    public void record(
            Instant time,
            String identity,
            String clientAddress,
            String operation,
            String keyName,
            String keyVersion,
            int status,
            String code,
            double latencyMillis) {
        JsonObject line = new JsonObject()
                .put("time", time.toString())
                .put("region", region)
                .put("identity", identity)
                .put("client", clientAddress)
                .put("operation", operation)
                .put("key", keyName)
                .put("version", keyVersion)
                .put("status", status)
                .put("code", code)
                .put("latencyMs", Math.round(latencyMillis * 1000.0) / 1000.0);
        byte[] bytes = (line.encode() + "\n").getBytes(StandardCharsets.UTF_8);
        writer.execute(() -> append(bytes));
    }

    private void append(byte[] bytes) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "audit log write failed: " + e.getMessage());
        }
    }

    /** Waits for queued lines, fsyncs and closes. Blocking. */
    @Override
    public void close() throws IOException {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "audit log writer did not drain in 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel.force(true);
        channel.close();
    }
}
