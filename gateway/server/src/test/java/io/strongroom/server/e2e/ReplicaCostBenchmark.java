package io.strongroom.server.e2e;

import io.strongroom.core.store.Durability;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a following replica costs the primary's writers (docs/REPLICAS.md, "What it costs"): two gateways in this JVM
 * on loopback; {@code --writers} threads write random single blocks of a {@code --blocks}-block volume of the
 * primary over HTTP for {@code --seconds}, first with no replica, then while a replica on the second gateway follows
 * the volume, a cycle every {@code --interval} ms, then with no replica again (the replica deleted). Prints one
 * Markdown row per phase: writes per second on the primary, cycles and blocks the replica applied meanwhile.
 *
 * <p>Run by {@code bench/replica-cost.sh}; every write is checked (204), so a refused write stops the run.
 */
public final class ReplicaCostBenchmark {
    private static final int BS = 8192;

    private ReplicaCostBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int writers = 16;
        int blocks = 16384;
        int interval = 1000;
        Durability durability = Durability.FSYNC;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--writers" -> writers = Integer.parseInt(args[++i]);
                case "--blocks" -> blocks = Integer.parseInt(args[++i]);
                case "--interval" -> interval = Integer.parseInt(args[++i]);
                case "--durability" -> durability = Durability.valueOf(args[++i].toUpperCase(Locale.ROOT));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path dir = Files.createTempDirectory("replica-cost");
        TestTokens.write(dir.resolve("p"));
        TestTokens.write(dir.resolve("r"));
        try (GatewayFixture primary = GatewayFixture.start(
                        GatewayFixture.config(dir.resolve("p")).setDurability(durability), null, b -> {});
                GatewayFixture replica = GatewayFixture.start(
                        GatewayFixture.config(dir.resolve("r")).setDurability(durability), null, b -> {})) {
            check(
                    primary.json(
                            "POST",
                            "/v1/volumes",
                            TestTokens.ADMIN,
                            new JsonObject().put("name", "bench").put("sizeBytes", (long) blocks * BS)),
                    201);
            System.out.printf(
                    "%d writers of random 8 KiB blocks over %d blocks, %d s per phase, durability %s, interval %d ms%n%n",
                    writers, blocks, seconds, durability, interval);
            System.out.println("| phase | primary writes/s | replica cycles | blocks applied |");
            System.out.println("|---|---:|---:|---:|");
            row("no replica", primary, replica, writers, blocks, seconds);
            check(
                    replica.json(
                            "POST",
                            "/v1/replicas",
                            TestTokens.ADMIN,
                            new JsonObject()
                                    .put("name", "bench-r")
                                    .put("primaryUrl", primary.gateway.baseUrl())
                                    .put("primaryVolume", "bench")
                                    .put("token", TestTokens.REPLICATION)
                                    .put("intervalMillis", interval)),
                    201);
            while (replica.get("/v1/replicas/bench-r", TestTokens.ADMIN).json().getLong("cycles") < 1) {
                Thread.sleep(100); // the first (full) copy, before the measured phase
            }
            row("replica following", primary, replica, writers, blocks, seconds);
            check(replica.send("DELETE", "/v1/replicas/bench-r", TestTokens.ADMIN, null), 204);
            row("no replica again", primary, replica, writers, blocks, seconds);
        }
    }

    private static void row(
            String phase, GatewayFixture primary, GatewayFixture replica, int writers, int blocks, int seconds)
            throws Exception {
        JsonObject before = replicaCounters(replica);
        AtomicBoolean run = new AtomicBoolean(true);
        AtomicLong writes = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            Thread t = new Thread(() -> {
                byte[] data = new byte[BS];
                try {
                    while (run.get()) {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        random.nextBytes(data);
                        check(
                                primary.send(
                                        "PUT",
                                        "/v1/volumes/bench/blocks/" + random.nextInt(blocks),
                                        TestTokens.DATA_ALL,
                                        data),
                                204);
                        writes.incrementAndGet();
                    }
                } catch (Exception e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        run.set(false);
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        JsonObject after = replicaCounters(replica);
        System.out.printf(
                "| %s | %.0f | %d | %d |%n",
                phase,
                writes.get() / elapsed,
                after.getLong("cycles") - before.getLong("cycles"),
                after.getLong("blocksShipped") - before.getLong("blocksShipped"));
    }

    private static JsonObject replicaCounters(GatewayFixture replica) throws Exception {
        GatewayFixture.Response r = replica.get("/v1/replicas/bench-r", TestTokens.ADMIN);
        return r.status() == 200 ? r.json() : new JsonObject().put("cycles", 0L).put("blocksShipped", 0L);
    }

    private static void check(GatewayFixture.Response r, int status) {
        if (r.status() != status) {
            throw new IllegalStateException("expected " + status + ", got " + r.status() + ": " + new String(r.body()));
        }
    }
}
