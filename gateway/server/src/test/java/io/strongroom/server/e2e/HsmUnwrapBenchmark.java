package io.strongroom.server.e2e;

import io.strongroom.core.keys.IdentityConfig;
import io.strongroom.core.keys.KekProvider;
import io.strongroom.core.keys.KeyVaults;
import io.strongroom.core.keys.KeyVaultsConfig;
import io.strongroom.core.keys.Pkcs11Config;
import io.strongroom.core.keys.SoftHsm;
import io.strongroom.core.testkit.Await;
import io.strongroom.server.LocalVaultClientOptions;
import io.strongroom.vault.CreateKeyOptions;
import io.strongroom.vault.KeyId;
import io.strongroom.vault.WrapResult;
import io.strongroom.vault.local.LocalVault;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * DEK unwrap latency and throughput of the two KEK providers side by side, through the gateway's own
 * {@link KeyVaults}: a local-vault over HTTPS on loopback (vault-client, HTTP/2) and a SoftHSM2 token through
 * SunPKCS11, both RSA 3072 with RSA-OAEP-256. Closed loop: each of N callers sends its next unwrap when the previous
 * one completes; latency is per call as the volume layer sees it. Run by {@code bench/hsm-unwrap.sh}.
 *
 * <p>Usage: {@code HsmUnwrapBenchmark [--seconds S] [--warmup S] [--concurrency 1,8]}; needs {@code SOFTHSM2_CONF}.
 */
public final class HsmUnwrapBenchmark {
    private static final String TOKEN = "bench-token";

    private HsmUnwrapBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int warmup = 3;
        List<Integer> levels = List.of(1, 8);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--concurrency" ->
                    levels = Arrays.stream(args[++i].split(","))
                            .map(Integer::valueOf)
                            .toList();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        SoftHsm hsm = SoftHsm.shared();
        hsm.generateKey("bench-kek");
        Vertx vertx = Vertx.vertx();
        LocalVault vault = VaultOperator.startVault(vertx, Files.createTempDirectory("hsm-bench-vault"), TOKEN);
        KeyVaults keys = KeyVaults.create(
                vertx,
                new KeyVaultsConfig()
                        .addVault(LocalVaultClientOptions.reaching(vault))
                        .addIdentity(KeyVaultsConfig.DEFAULT_IDENTITY, new IdentityConfig.StaticToken(TOKEN))
                        .setPkcs11(Pkcs11Config.withPin(SoftHsm.MODULE, 0, hsm.label, SoftHsm.PIN.toCharArray())));
        try {
            KeyId vaultKek = Await.result(keys.client(KeyId.parse(vault.vaultUrl() + "/keys/bench-kek"), null)
                            .createKey("bench-kek", new CreateKeyOptions().setKeySize(3072)))
                    .kid();
            KeyId tokenKek = KeyId.parse(hsm.keyId("bench-kek"));
            System.out.printf(
                    Locale.US,
                    "# KEK unwrap benchmark: RSA-3072 RSA-OAEP-256, %d cpus, JDK %s, %d s per row after %d s warm-up%n",
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"),
                    seconds,
                    warmup);
            System.out.println("| provider | concurrency | unwraps/s | p50 ms | p99 ms | max ms | calls |");
            System.out.println("|---|---|---|---|---|---|---|");
            for (int concurrency : levels) {
                row("local-vault, HTTPS (HTTP/2)", keys, vaultKek, concurrency, seconds, warmup);
                row("SoftHSM2 via SunPKCS11", keys, tokenKek, concurrency, seconds, warmup);
            }
        } finally {
            Await.result(keys.close());
            Await.result(vault.close());
            Await.result(vertx.close());
        }
    }

    private static void row(String name, KeyVaults keys, KeyId kek, int concurrency, int seconds, int warmup)
            throws Exception {
        KekProvider provider = keys.provider(kek, null);
        byte[] dek = new byte[32];
        new SecureRandom().nextBytes(dek);
        WrapResult wrapped = Await.result(provider.wrapKey(kek, "RSA-OAEP-256", dek));
        Recorder recorder = new Recorder(3);
        unwrapFor(provider, wrapped, dek, concurrency, warmup, recorder);
        recorder.reset();
        long calls = unwrapFor(provider, wrapped, dek, concurrency, seconds, recorder);
        var h = recorder.getIntervalHistogram();
        System.out.printf(
                Locale.US,
                "| %s | %d | %.0f | %.2f | %.2f | %.2f | %d |%n",
                name,
                concurrency,
                calls / (double) seconds,
                h.getValueAtPercentile(50) / 1e6,
                h.getValueAtPercentile(99) / 1e6,
                h.getMaxValue() / 1e6,
                h.getTotalCount());
    }

    /** N callers unwrapping for {@code seconds}; every answer must be the DEK. Returns the calls that completed. */
    private static long unwrapFor(
            KekProvider provider, WrapResult wrapped, byte[] dek, int concurrency, int seconds, Recorder recorder)
            throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong calls = new AtomicLong();
        CompletableFuture<?>[] callers = new CompletableFuture<?>[concurrency];
        for (int i = 0; i < concurrency; i++) {
            callers[i] = new CompletableFuture<Void>();
            next(provider, wrapped, dek, end, recorder, calls, callers[i]);
        }
        CompletableFuture.allOf(callers).get(seconds + 120L, TimeUnit.SECONDS);
        return calls.get();
    }

    private static void next(
            KekProvider provider,
            WrapResult wrapped,
            byte[] dek,
            long end,
            Recorder recorder,
            AtomicLong calls,
            CompletableFuture<?> done) {
        long start = System.nanoTime();
        if (start >= end) {
            done.complete(null);
            return;
        }
        provider.unwrapKey(wrapped.kid(), wrapped.alg(), wrapped.wrapped()).onComplete(ar -> {
            if (ar.failed() || !Arrays.equals(dek, ar.result())) {
                done.completeExceptionally(
                        ar.failed() ? ar.cause() : new IllegalStateException("an unwrap returned another key"));
                return;
            }
            Arrays.fill(ar.result(), (byte) 0);
            recorder.recordValue(System.nanoTime() - start);
            calls.incrementAndGet();
            next(provider, wrapped, dek, end, recorder, calls, done);
        });
    }
}
