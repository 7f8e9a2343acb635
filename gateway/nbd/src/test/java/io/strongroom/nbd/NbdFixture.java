package io.strongroom.nbd;

import io.strongroom.core.embed.Strongroom;
import io.strongroom.core.embed.StrongroomOptions;
import io.strongroom.core.keys.IdentityConfig;
import io.strongroom.core.keys.KeyAccessRule;
import io.strongroom.core.keys.KeyVaultsConfig;
import io.strongroom.core.store.Durability;
import io.strongroom.core.store.StorageOptions;
import io.strongroom.core.store.StoreMetric;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.volume.VolumeInfo;
import io.strongroom.core.volume.VolumeServiceOptions;
import io.strongroom.core.volume.VolumeSpec;
import io.strongroom.vault.CreateKeyOptions;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.StaticTokenProvider;
import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.LocalVault;
import io.strongroom.vault.local.LocalVaultOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * A real Strongroom for the NBD tests: a local-vault on loopback holding the service KEK, the local-file store under
 * a temporary directory (durability none, so FUA and FLUSH are the only syncs and can be counted), started through
 * the embedding API on a Vert.x with the native transport (Unix sockets need it), and NBD servers over its volumes.
 */
final class NbdFixture implements AutoCloseable {
    static final String ADMIN_TOKEN = "nbd-test-admin";
    static final String GATEWAY_TOKEN = "nbd-test-gateway";
    static final String SERVICE_KEY = "service-kek";

    final Vertx vertx;
    final LocalVault vault;
    final KeyVaultClientOptions vaultClient;
    final StaticTokenProvider adminTokens = new StaticTokenProvider(ADMIN_TOKEN);
    final KeyVaultClient admin;
    final Strongroom strongroom;

    private NbdFixture(Vertx vertx, LocalVault vault, KeyVaultClientOptions vaultClient, Strongroom strongroom) {
        this.vertx = vertx;
        this.vault = vault;
        this.vaultClient = vaultClient;
        this.admin = KeyVaultClient.create(vertx, vaultClient, adminTokens);
        this.strongroom = strongroom;
    }

    /** @param gracePeriod the key-access rule's: how long a failing KEK stays DEGRADED */
    static NbdFixture start(Path dir, Duration gracePeriod) {
        Vertx vertx =
                Vertx.vertx(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(2));
        if (!vertx.isNativeTransportEnabled()) {
            throw new AssertionError("the epoll transport did not load: " + vertx.unavailableNativeTransportCause());
        }
        LocalVault vault = Await.result(LocalVault.start(
                vertx,
                new LocalVaultOptions()
                        .setDataDir(dir.resolve("vault"))
                        .setHost("127.0.0.1")
                        .setPort(0)
                        .addIdentity(ADMIN_TOKEN, new Identity("admin", Set.of("all")))
                        .addIdentity(
                                GATEWAY_TOKEN,
                                new Identity("gateway", Set.of("get", "list", "wrapKey", "unwrapKey")))));
        KeyVaultClientOptions client = new KeyVaultClientOptions()
                .setVaultUrl(vault.vaultUrl())
                .setTrustPem(vault.certificatePem())
                .setCallDeadline(Duration.ofSeconds(60))
                .setAttemptTimeout(Duration.ofSeconds(20))
                .setMaxRetries(1);
        KeyVaultClient setup = KeyVaultClient.create(vertx, client, new StaticTokenProvider(ADMIN_TOKEN));
        Await.result(setup.createKey(SERVICE_KEY, new CreateKeyOptions()));
        Await.result(setup.close());
        Strongroom strongroom = Await.result(Strongroom.start(new StrongroomOptions()
                .setVertx(vertx)
                .setStorage(
                        new StorageOptions().setDataDir(dir.resolve("volumes")).setDurability(Durability.NONE))
                .setKeyVaults(new KeyVaultsConfig()
                        .addVault(client)
                        .addIdentity(KeyVaultsConfig.DEFAULT_IDENTITY, new IdentityConfig.StaticToken(GATEWAY_TOKEN)))
                .setKeyAccess(new KeyAccessRule.Settings(
                        gracePeriod, Duration.ofMinutes(10), List.of(), dir.resolve("activity.log")))
                .setVolumes(new VolumeServiceOptions().setServiceKekId(vault.vaultUrl() + "/keys/" + SERVICE_KEY))));
        return new NbdFixture(vertx, vault, client, strongroom);
    }

    NbdServer serve(NbdOptions options) {
        return Await.result(NbdServer.start(vertx, strongroom.volumes(), options));
    }

    VolumeInfo createVolume(String name, long sizeBytes) {
        return Await.result(strongroom.createVolume(new VolumeSpec(name, sizeBytes)));
    }

    /** A volume under a KEK of its own, {@code key} (created in the vault now). */
    VolumeInfo createVolumeUnderOwnKey(String name, long sizeBytes, String key) {
        Await.result(admin.createKey(key, new CreateKeyOptions()));
        return Await.result(strongroom.createVolume(new VolumeSpec(
                name, sizeBytes, VolumeSpec.DEFAULT_BLOCK_SIZE, vault.vaultUrl() + "/keys/" + key, null)));
    }

    /** A counter of the store's own (a {@code strongroom_store_*} family), e.g. journal syncs. */
    long storeCounter(String family) {
        for (StoreMetric m : strongroom.storage().blocks().stats().details()) {
            if (m.metric().name().equals(family)) {
                return m.value();
            }
        }
        throw new AssertionError("the store has no " + family);
    }

    @Override
    public void close() {
        Await.result(strongroom.close());
        Await.result(admin.close());
        Await.result(adminTokens.close());
        Await.result(vault.close());
        Await.result(vertx.close());
    }
}
