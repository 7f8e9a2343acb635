package io.strongroom.core.embed;

import io.strongroom.core.keys.KeyAccessRule;
import io.strongroom.core.keys.KeyVaultsConfig;
import io.strongroom.core.store.StorageBackend;
import io.strongroom.core.store.StorageOptions;
import io.strongroom.core.volume.VolumeServiceOptions;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Strongroom#start} needs: where blocks live, which vaults and identities reach the keys, the service
 * KEK (in {@link #getVolumes()}), the key-access rule's settings, and optionally the Vert.x instance to run on.
 * Plain data with fluent setters; read once, when Strongroom starts.
 */
public class StrongroomOptions {
    /** How long the blocking facade waits for one call before it gives up with RequestTimeout. */
    public static final Duration DEFAULT_BLOCKING_TIMEOUT = Duration.ofSeconds(60);

    private @Nullable Vertx vertx;
    private @Nullable StorageOptions storage;
    private @Nullable StorageBackend storageBackend;
    private @Nullable KeyVaultsConfig keyVaults;
    private KeyAccessRule.@Nullable Settings keyAccess;
    private VolumeServiceOptions volumes = new VolumeServiceOptions();
    private Duration blockingTimeout = DEFAULT_BLOCKING_TIMEOUT;
    private @Nullable Path replicaDirectory;

    public @Nullable Vertx getVertx() {
        return vertx;
    }

    /**
     * The Vert.x instance to run on; null (the default) = Strongroom creates its own and closes it on close. A given
     * instance is the caller's: Strongroom never closes it.
     */
    public StrongroomOptions setVertx(@Nullable Vertx vertx) {
        this.vertx = vertx;
        return this;
    }

    public @Nullable StorageOptions getStorage() {
        return storage;
    }

    /**
     * The storage backend to open, by name ({@code local} keeps files under {@link StorageOptions#getDataDir()}),
     * with the slot cache in front. Set this or {@link #setStorageBackend}, not both.
     */
    public StrongroomOptions setStorage(@Nullable StorageOptions storage) {
        this.storage = storage;
        return this;
    }

    public @Nullable StorageBackend getStorageBackend() {
        return storageBackend;
    }

    /**
     * A storage backend the caller has opened already (on the same Vert.x instance); from then on Strongroom owns it
     * and closes it, also when start-up fails. Set this or {@link #setStorage}, not both.
     */
    public StrongroomOptions setStorageBackend(@Nullable StorageBackend storageBackend) {
        this.storageBackend = storageBackend;
        return this;
    }

    public @Nullable KeyVaultsConfig getKeyVaults() {
        return keyVaults;
    }

    /** The vaults Strongroom may call and the identities it calls them as. Required. */
    public StrongroomOptions setKeyVaults(KeyVaultsConfig keyVaults) {
        this.keyVaults = Objects.requireNonNull(keyVaults, "keyVaults");
        return this;
    }

    public KeyAccessRule.@Nullable Settings getKeyAccess() {
        return keyAccess;
    }

    /** Grace period, probe interval, alert webhooks and activity log file of the key-access rule. Required. */
    public StrongroomOptions setKeyAccess(KeyAccessRule.Settings keyAccess) {
        this.keyAccess = Objects.requireNonNull(keyAccess, "keyAccess");
        return this;
    }

    public VolumeServiceOptions getVolumes() {
        return volumes;
    }

    /** Settings of the volume service; its {@link VolumeServiceOptions#setServiceKekId service KEK} is required. */
    public StrongroomOptions setVolumes(VolumeServiceOptions volumes) {
        this.volumes = Objects.requireNonNull(volumes, "volumes");
        return this;
    }

    public @Nullable Path getReplicaDirectory() {
        return replicaDirectory;
    }

    /**
     * Where the read replicas of this instance keep their state and tokens (docs/REPLICAS.md); null (the default):
     * no replicas can be created here. The directory should be private to the gateway (its token files are 0600).
     */
    public StrongroomOptions setReplicaDirectory(@Nullable Path replicaDirectory) {
        this.replicaDirectory = replicaDirectory;
        return this;
    }

    public Duration getBlockingTimeout() {
        return blockingTimeout;
    }

    /**
     * How long each call of the blocking facade ({@link BlockingStrongroom}, {@link BlockingVolume}) waits. Generous
     * by default: it bounds a hang (a vault or store that does not answer), it is not a latency target.
     */
    public StrongroomOptions setBlockingTimeout(Duration blockingTimeout) {
        this.blockingTimeout = Objects.requireNonNull(blockingTimeout, "blockingTimeout");
        return this;
    }

    /** Throws IllegalArgumentException naming the first missing or unusable setting. */
    void validate() {
        if ((storage == null) == (storageBackend == null)) {
            throw new IllegalArgumentException(
                    "set exactly one of storage (a backend to open by name) and storageBackend (an opened one)");
        }
        if (keyVaults == null) {
            throw new IllegalArgumentException("keyVaults is required: the vaults and identities that reach the keys");
        }
        if (keyAccess == null) {
            throw new IllegalArgumentException(
                    "keyAccess is required: grace period, probe interval, alert webhooks, activity log file");
        }
        if (volumes.getServiceKekId() == null) {
            throw new IllegalArgumentException("volumes.serviceKekId is required: the KEK of volumes that name none");
        }
        if (blockingTimeout.isNegative() || blockingTimeout.isZero()) {
            throw new IllegalArgumentException("blockingTimeout must be positive, not " + blockingTimeout);
        }
    }
}
