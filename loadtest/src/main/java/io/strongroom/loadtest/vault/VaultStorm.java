package io.strongroom.loadtest.vault;

import io.strongroom.loadtest.cli.VaultStormOptions;
import io.strongroom.loadtest.measure.LatencyRecorders;
import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.LatencySnapshot;
import io.strongroom.vault.StaticTokenProvider;
import io.strongroom.vault.VaultEndpoint;
import io.strongroom.vault.WrapResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The unwrap storm: what a gateway does when many volumes start cold at once. Wraps N random DEKs
 * once (setup, not measured), then per round unwraps all N with at most {@code concurrency} in flight,
 * checks every unwrapped key against the original, and records the latency each caller saw plus the
 * vault client's own figures per endpoint and region ({@code VaultLatency}). Without --vault-url a
 * local-vault is started in-process on loopback. Blocking: call from a plain thread.
 */
public final class VaultStorm {

    private static final String ALGORITHM = "RSA-OAEP-256";
    private static final int DEK_BYTES = 32;

    private final VaultStormOptions options;
    private final Consumer<String> progress;

    public VaultStorm(VaultStormOptions options, Consumer<String> progress) {
        this.options = options.validate();
        this.progress = progress;
    }

    public List<RoundResult> run() throws IOException {
        Vertx vertx = Vertx.vertx();
        Path tmp = null;
        InProcessVault local = null;
        KeyVaultClient client = null;
        try {
            KeyVaultClientOptions clientOptions;
            String token;
            if (options.vaultUrl() == null) {
                tmp = Files.createTempDirectory("loadtest-vault");
                local = InProcessVault.start(vertx, tmp, options.keyName()).await();
                progress.accept(
                        "local-vault started in-process at " + local.baseUrl() + " (region " + local.region() + ")");
                clientOptions = local.clientOptions();
                token = local.token();
            } else {
                clientOptions = new KeyVaultClientOptions().setVaultUrl(options.vaultUrl());
                if (options.trustPem() != null) {
                    clientOptions.setTrustPem(Files.readString(options.trustPem()));
                }
                token = options.token();
                if (token == null) {
                    throw new IllegalArgumentException("--vault-url needs --vault-token (or STRONGROOM_VAULT_TOKEN)");
                }
            }
            for (VaultStormOptions.Endpoint e : options.endpoints()) {
                clientOptions.addEndpoint(new VaultEndpoint(e.url(), e.region()));
            }
            clientOptions.setMaxPoolSize(Math.max(clientOptions.getMaxPoolSize(), options.concurrency()));
            client = KeyVaultClient.create(vertx, clientOptions, new StaticTokenProvider(token));
            KeyId kek = new KeyId(clientOptions.getVaultUrl(), options.keyName(), null);
            List<byte[]> deks = randomDeks(options.unwraps());
            List<WrapResult> wrapped = wrapAll(client, kek, deks);
            progress.accept("wrapped " + wrapped.size() + " DEKs under "
                    + wrapped.get(0).kid());
            client.latency().snapshot(); // start the interval: setup wraps are not part of any round
            List<RoundResult> rounds = new ArrayList<>();
            for (int round = 1; round <= options.rounds(); round++) {
                RoundResult r = storm(client, round, deks, wrapped);
                rounds.add(r);
                progress.accept(VaultStormReport.line(r));
            }
            return rounds;
        } finally {
            if (client != null) {
                client.close().await();
            }
            if (local != null) {
                local.close().await();
            }
            vertx.close().await();
            if (tmp != null) {
                deleteTree(tmp);
            }
        }
    }

    private static List<byte[]> randomDeks(int n) {
        SecureRandom random = new SecureRandom();
        List<byte[]> deks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] k = new byte[DEK_BYTES];
            random.nextBytes(k);
            deks.add(k);
        }
        return deks;
    }

    private List<WrapResult> wrapAll(KeyVaultClient client, KeyId kek, List<byte[]> deks) {
        WrapResult[] out = new WrapResult[deks.size()];
        bounded(
                        deks.size(),
                        i -> client.wrapKey(kek, ALGORITHM, deks.get(i)).map(w -> {
                            out[i] = w;
                            return null;
                        }))
                .await();
        return Arrays.asList(out);
    }

    private RoundResult storm(KeyVaultClient client, int round, List<byte[]> deks, List<WrapResult> wrapped) {
        Recorder recorder = new Recorder(LatencyRecorders.SIGNIFICANT_DIGITS);
        AtomicLong failures = new AtomicLong();
        AtomicLong mismatches = new AtomicLong();
        long start = System.nanoTime();
        bounded(deks.size(), i -> {
                    long t0 = System.nanoTime();
                    WrapResult w = wrapped.get(i);
                    return client.unwrapKey(w.kid(), w.alg(), w.wrapped())
                            .<Void>map(key -> {
                                recorder.recordValue(Math.max(1, System.nanoTime() - t0));
                                if (!Arrays.equals(key, deks.get(i))) {
                                    mismatches.incrementAndGet();
                                }
                                Arrays.fill(key, (byte) 0);
                                return null;
                            })
                            .recover(e -> {
                                failures.incrementAndGet();
                                return Future.succeededFuture();
                            });
                })
                .await();
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram latency = recorder.getIntervalHistogram();
        List<LatencySnapshot> perEndpoint = client.latency().snapshot().stream()
                .filter(s -> s.operation().equals("unwrap"))
                .toList();
        return new RoundResult(round, deks.size(), failures.get(), mismatches.get(), seconds, latency, perEndpoint);
    }

    /** Runs task(0..n-1) with at most options.concurrency() in flight; completes when all have. */
    private Future<Void> bounded(int n, java.util.function.IntFunction<Future<Void>> task) {
        Promise<Void> done = Promise.promise();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        int lanes = Math.min(n, options.concurrency());
        for (int lane = 0; lane < lanes; lane++) {
            pull(n, task, next, finished, done);
        }
        return done.future();
    }

    private void pull(
            int n,
            java.util.function.IntFunction<Future<Void>> task,
            AtomicInteger next,
            AtomicInteger finished,
            Promise<Void> done) {
        int i = next.getAndIncrement();
        if (i >= n) {
            return;
        }
        task.apply(i).onComplete(ar -> {
            if (ar.failed()) {
                done.tryFail(ar.cause());
                return;
            }
            if (finished.incrementAndGet() == n) {
                done.tryComplete();
            } else {
                pull(n, task, next, finished, done);
            }
        });
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
