package io.strongroom.example;

import io.strongroom.core.embed.Strongroom;
import io.strongroom.core.embed.StrongroomOptions;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.IdentityConfig;
import io.strongroom.core.keys.KeyAccessRule;
import io.strongroom.core.keys.KeyVaultsConfig;
import io.strongroom.core.store.StorageOptions;
import io.strongroom.core.volume.VolumeServiceOptions;
import io.strongroom.core.volume.VolumeSpec;
import io.strongroom.nbd.NbdOptions;
import io.strongroom.nbd.NbdServer;
import io.strongroom.vault.CreateKeyOptions;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.StaticTokenProvider;
import io.strongroom.vault.VaultEndpoint;
import io.strongroom.vault.VaultErrorClass;
import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.LocalVault;
import io.strongroom.vault.local.LocalVaultOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Strongroom shipped inside another program: one process holds a key vault (local-vault, in-process), the encrypted
 * volumes (core's embedding API over the local store) and their NBD export. A storage layer that wants its files
 * encrypted under a key it does not hold itself starts this and attaches the export as a block device.
 *
 * <p>The order is the one that works: the vault first (it holds the KEK), then the KEK, then Strongroom (which
 * unwraps the volumes' DEKs through the vault), then the volume, then the NBD server over Strongroom's volumes.
 * Closing runs it backwards.
 */
public final class EmbeddedNbd {
    /** Where things live and what is exported. */
    public record Settings(Path dataDir, Path vaultDir, String volume, long sizeBytes, int nbdPort) {}

    private static final String VAULT_URL = "https://vault.embedded-example.invalid";
    private static final String KEK_NAME = "example-kek";

    private final Vertx vertx;
    private final LocalVault vault;
    private final Strongroom strongroom;
    private final NbdServer nbd;

    private EmbeddedNbd(Vertx vertx, LocalVault vault, Strongroom strongroom, NbdServer nbd) {
        this.vertx = vertx;
        this.vault = vault;
        this.strongroom = strongroom;
        this.nbd = nbd;
    }

    /** Starts the vault, Strongroom and the NBD export; the volume is created on first start. */
    public static Future<EmbeddedNbd> start(Settings settings) {
        Vertx vertx = Vertx.vertx();
        String token = randomToken();
        LocalVaultOptions vaultOptions = new LocalVaultOptions()
                .setDataDir(settings.vaultDir()) // its master key: keep this apart from the data directory
                .setHost("127.0.0.1")
                .setPort(0)
                .setVaultUrl(VAULT_URL)
                .addIdentity(token, new Identity("embedded-example", Set.of("get", "create", "wrapKey", "unwrapKey")));
        return LocalVault.start(vertx, vaultOptions)
                .compose(vault -> {
                    KeyVaultClientOptions client = new KeyVaultClientOptions()
                            .setVaultUrl(vault.vaultUrl())
                            .setEndpoints(List.of(new VaultEndpoint(vault.baseUrl(), vault.region())))
                            .setLocalRegion(vault.region())
                            .setTrustPem(vault.certificatePem());
                    return ensureKek(vertx, client, token)
                            .compose(
                                    kekId -> Strongroom.start(strongroomOptions(vertx, settings, client, token, kekId)))
                            .compose(strongroom -> createVolumeOnce(strongroom, settings)
                                    .compose(x -> NbdServer.start(
                                            vertx, strongroom.volumes(), new NbdOptions().setPort(settings.nbdPort())))
                                    .map(nbd -> new EmbeddedNbd(vertx, vault, strongroom, nbd))
                                    .recover(e -> strongroom.close().transform(x -> Future.failedFuture(e))))
                            .recover(e -> vault.close().transform(x -> Future.failedFuture(e)));
                })
                .recover(e -> vertx.close().transform(x -> Future.failedFuture(e)));
    }

    private static StrongroomOptions strongroomOptions(
            Vertx vertx, Settings settings, KeyVaultClientOptions client, String token, String kekId) {
        return new StrongroomOptions()
                .setVertx(vertx)
                .setStorage(new StorageOptions().setDataDir(settings.dataDir().resolve("volumes")))
                .setKeyVaults(new KeyVaultsConfig()
                        .addVault(client)
                        .addIdentity(KeyVaultsConfig.DEFAULT_IDENTITY, new IdentityConfig.StaticToken(token)))
                .setKeyAccess(new KeyAccessRule.Settings(
                        Duration.ofMinutes(10),
                        Duration.ofMinutes(1),
                        List.of(),
                        settings.dataDir().resolve("activity.log")))
                .setVolumes(new VolumeServiceOptions().setServiceKekId(kekId));
    }

    /** The KEK's versionless id; created in the vault on first start. */
    private static Future<String> ensureKek(Vertx vertx, KeyVaultClientOptions options, String token) {
        StaticTokenProvider tokens = new StaticTokenProvider(token);
        KeyVaultClient client = KeyVaultClient.create(vertx, options, tokens);
        return client.getKey(KEK_NAME, null)
                .<Void>mapEmpty()
                .recover(e -> e instanceof KeyVaultException k && k.errorClass() == VaultErrorClass.KEY_NOT_FOUND
                        ? client.createKey(KEK_NAME, new CreateKeyOptions()).mapEmpty()
                        : Future.failedFuture(e))
                .map(x -> options.getVaultUrl() + "/keys/" + KEK_NAME)
                .eventually(client::close)
                .eventually(tokens::close);
    }

    private static Future<Void> createVolumeOnce(Strongroom strongroom, Settings settings) {
        return strongroom
                .createVolume(new VolumeSpec(settings.volume(), settings.sizeBytes()))
                .<Void>mapEmpty()
                .recover(e -> e instanceof StrongroomException s && s.code() == ErrorCode.VolumeExists
                        ? Future.succeededFuture()
                        : Future.failedFuture(e));
    }

    /** The TCP port the export listens on (the ephemeral one when 0 was asked for). */
    public int nbdPort() {
        return nbd.port();
    }

    /** The export's URI, as nbdinfo, nbdcopy, nbdfuse and qemu take it. */
    public String nbdUri(String volume) {
        return "nbd://127.0.0.1:" + nbd.port() + "/" + volume;
    }

    /** NBD first (no new requests), then the volumes (flushed, DEKs destroyed), the vault and Vert.x. */
    public Future<Void> close() {
        return nbd.close()
                .eventually(strongroom::close)
                .eventually(vault::close)
                .eventually(vertx::close);
    }

    /** {@code EmbeddedNbd <data dir> <vault dir> [volume (db)] [size in bytes (1 GiB)] [NBD port (10809)]} */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: EmbeddedNbd <data dir> <vault dir> [volume] [size bytes] [nbd port]");
            System.exit(2);
        }
        Settings settings = new Settings(
                Path.of(args[0]),
                Path.of(args[1]),
                args.length > 2 ? args[2] : "db",
                args.length > 3 ? Long.parseLong(args[3]) : 1L << 30,
                args.length > 4 ? Integer.parseInt(args[4]) : 10809);
        EmbeddedNbd running =
                start(settings).toCompletionStage().toCompletableFuture().get();
        System.out.println("serving " + running.nbdUri(settings.volume()) + " (Ctrl-C stops)");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close().onComplete(x -> stopped.countDown());
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        stopped.await();
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
