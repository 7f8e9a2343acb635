package io.strongroom.vault.local;

import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The standalone launcher behind {@link LocalVault#main}: reads the config, starts, waits for SIGTERM. */
final class StandaloneMain {
    private StandaloneMain() {}

    static void run(String[] args) throws Exception {
        Path config = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                config = Path.of(args[++i]);
            } else if (args[i].equals("--help") || args[i].equals("-h")) {
                usage(0);
            } else {
                System.err.println("unknown argument: " + args[i]);
                usage(2);
            }
        }
        if (config == null) {
            usage(2);
        }
        LocalVaultOptions options = LocalVaultOptions.load(config);
        Path dataDir = options.getDataDir().toAbsolutePath().normalize();
        Path master = options.getMasterSecretFile() == null
                ? dataDir.resolve("master.key")
                : Path.of(options.getMasterSecretFile()).toAbsolutePath().normalize();
        if (master.startsWith(dataDir)) {
            System.err.println("local-vault: warning: the master secret " + master + " is inside dataDir: a copy of "
                    + dataDir + " alone opens every private key; set masterSecretFile to a path outside it"
                    + " (docs/LOCAL-VAULT.md)");
        }
        Vertx vertx = Vertx.vertx();
        LocalVault vault;
        try {
            vault = LocalVault.start(vertx, options)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("local-vault failed to start: " + e.getMessage());
            vertx.close();
            System.exit(1);
            return;
        }
        Path certFile = options.getDataDir().resolve("server-cert.pem");
        Files.writeString(certFile, vault.certificatePem(), StandardCharsets.US_ASCII);
        System.out.println("local-vault listening on " + vault.baseUrl() + " (vault URL " + vault.vaultUrl()
                + ", region " + vault.region() + "); server certificate in " + certFile);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                // Two steps from this (non-Vert.x) thread: composing vertx.close() onto an event-loop
                                // future would complete it on a loop that close() has just terminated.
                                vault.close()
                                        .toCompletionStage()
                                        .toCompletableFuture()
                                        .get(15, TimeUnit.SECONDS);
                                vertx.close()
                                        .toCompletionStage()
                                        .toCompletableFuture()
                                        .get(15, TimeUnit.SECONDS);
                            } catch (Exception e) {
                                System.err.println("local-vault did not close cleanly: " + e.getMessage());
                            }
                            stopped.countDown();
                        },
                        "local-vault-shutdown"));
        stopped.await();
    }

    private static void usage(int exitCode) {
        System.err.println("usage: java -jar strongroom-local-vault.jar --config vault.json");
        System.exit(exitCode);
    }
}
