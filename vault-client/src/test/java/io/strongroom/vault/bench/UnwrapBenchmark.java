package io.strongroom.vault.bench;

import io.strongroom.vault.CreateKeyOptions;
import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.StaticTokenProvider;
import io.strongroom.vault.VaultEndpoint;
import io.strongroom.vault.WrapResult;
import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.LocalVault;
import io.strongroom.vault.local.LocalVaultOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Unwrap throughput and latency of vault-client against an in-process local-vault (RSA-2048,
 * RSA-OAEP-256, HTTPS on loopback), at fixed numbers of concurrent calls. Closed loop: each of the
 * N callers issues its next unwrap when the previous one completes, so latency is per call as the
 * gateway sees it (no coordinated-omission correction: there is no intended send schedule).
 *
 * <p>Usage: {@code UnwrapBenchmark [--seconds S] [--warmup S] [--concurrency 1,64] [--http1]}
 */
public final class UnwrapBenchmark {
    private static final String TOKEN = "bench-token";

    private UnwrapBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int warmup = 3;
        List<Integer> levels = List.of(1, 64);
        boolean http2 = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--concurrency" -> levels = parseLevels(args[++i]);
                case "--http1" -> http2 = false;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path dataDir = Files.createTempDirectory("vault-bench");
        Vertx serverVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        Vertx clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            LocalVault vault = await(LocalVault.start(
                    serverVertx,
                    new LocalVaultOptions()
                            .setDataDir(dataDir)
                            .addIdentity(TOKEN, new Identity("bench", Set.of("all")))));
            KeyVaultClientOptions options = new KeyVaultClientOptions()
                    .setVaultUrl(vault.vaultUrl())
                    .setEndpoints(List.of(new VaultEndpoint(vault.baseUrl(), "local")))
                    .setTrustPem(vault.certificatePem())
                    .setHttp2(http2)
                    .setMaxPoolSize(64)
                    .setCallDeadline(Duration.ofSeconds(30));
            KeyVaultClient client = KeyVaultClient.create(clientVertx, options, new StaticTokenProvider(TOKEN));
            KeyId kid =
                    await(client.createKey("bench-kek", new CreateKeyOptions())).kid();
            byte[] dek = new byte[32];
            new SecureRandom().nextBytes(dek);
            WrapResult wrapped = await(client.wrapKey(kid, "RSA-OAEP-256", dek));
            System.out.printf(
                    Locale.US,
                    "# vault-client unwrap benchmark: %s, TLS engine %s, %s, %d cpus, JDK %s%n",
                    "RSA-2048 RSA-OAEP-256",
                    client.transport().tlsEngine(),
                    client.transport().httpVersionByEndpoint().get(vault.baseUrl()),
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"));
            System.out.printf(
                    Locale.US,
                    "# baseline: bare RSA-OAEP-256 unwrap (JDK Cipher, RSA-2048, one thread, no HTTP): %.0f/s%n",
                    bareRsaUnwrapsPerSecond(Duration.ofSeconds(Math.max(2, warmup))));
            System.out.println("| concurrency | protocol | unwraps/s | p50 ms | p99 ms | max ms | calls |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (int concurrency : levels) {
                run(client, wrapped, concurrency, Duration.ofSeconds(warmup));
                Result r = run(client, wrapped, concurrency, Duration.ofSeconds(seconds));
                Histogram h = r.histogram();
                System.out.printf(
                        Locale.US,
                        "| %d | %s | %.0f | %.2f | %.2f | %.2f | %d |%n",
                        concurrency,
                        client.transport().httpVersionByEndpoint().get(vault.baseUrl()),
                        r.perSecond(),
                        h.getValueAtPercentile(50) / 1e6,
                        h.getValueAtPercentile(99) / 1e6,
                        h.getMaxValue() / 1e6,
                        h.getTotalCount());
            }
            await(client.close());
            await(vault.close());
        } finally {
            await(clientVertx.close());
            await(serverVertx.close());
        }
    }

    private record Result(Histogram histogram, double perSecond) {}

    private static Result run(KeyVaultClient client, WrapResult wrapped, int concurrency, Duration duration)
            throws Exception {
        Recorder recorder = new Recorder(3);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong failures = new AtomicLong();
        List<Future<Void>> loops = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            Promise<Void> done = Promise.promise();
            loop(client, wrapped, recorder, stop, failures, done);
            loops.add(done.future());
        }
        Thread.sleep(duration.toMillis());
        stop.set(true);
        for (Future<Void> f : loops) {
            await(f);
        }
        double elapsedSeconds = (System.nanoTime() - start) / 1e9;
        if (failures.get() > 0) {
            throw new IllegalStateException(failures.get() + " unwraps failed");
        }
        Histogram h = recorder.getIntervalHistogram();
        return new Result(h, h.getTotalCount() / elapsedSeconds);
    }

    /** One closed-loop caller: next unwrap when the previous completes, until stopped. */
    private static void loop(
            KeyVaultClient client,
            WrapResult wrapped,
            Recorder recorder,
            AtomicBoolean stop,
            AtomicLong failures,
            Promise<Void> done) {
        if (stop.get()) {
            done.complete();
            return;
        }
        long t0 = System.nanoTime();
        client.unwrapKey(wrapped.kid(), wrapped.alg(), wrapped.wrapped()).onComplete(ar -> {
            if (ar.succeeded()) {
                recorder.recordValue(System.nanoTime() - t0);
                java.util.Arrays.fill(ar.result(), (byte) 0);
            } else {
                failures.incrementAndGet();
            }
            loop(client, wrapped, recorder, stop, failures, done);
        });
    }

    /** The server's irreducible cost per unwrap, for scale: one private-key RSA-OAEP decryption. */
    private static double bareRsaUnwrapsPerSecond(Duration duration) throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        java.security.KeyPair pair = g.generateKeyPair();
        javax.crypto.spec.OAEPParameterSpec oaep = new javax.crypto.spec.OAEPParameterSpec(
                "SHA-256",
                "MGF1",
                java.security.spec.MGF1ParameterSpec.SHA256,
                javax.crypto.spec.PSource.PSpecified.DEFAULT);
        javax.crypto.Cipher wrap = javax.crypto.Cipher.getInstance("RSA/ECB/OAEPPadding");
        wrap.init(javax.crypto.Cipher.ENCRYPT_MODE, pair.getPublic(), oaep);
        byte[] wrapped = wrap.doFinal(new byte[32]);
        javax.crypto.Cipher unwrap = javax.crypto.Cipher.getInstance("RSA/ECB/OAEPPadding");
        long end = System.nanoTime() + duration.toNanos();
        long start = System.nanoTime();
        long n = 0;
        while (System.nanoTime() < end) {
            unwrap.init(javax.crypto.Cipher.DECRYPT_MODE, pair.getPrivate(), oaep);
            unwrap.doFinal(wrapped);
            n++;
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    private static List<Integer> parseLevels(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            out.add(Integer.parseInt(s.trim()));
        }
        return out;
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    }
}
