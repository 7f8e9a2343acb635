package io.strongroom.core.volume;

import io.strongroom.crypto.Dek;
import java.time.Duration;
import java.util.Objects;

/** Settings of {@link DefaultVolumeService}: plain data with {@code DEFAULT_*} constants and fluent setters. */
public class VolumeServiceOptions {
    /** Unwraps in flight at once while opening volumes at start-up. */
    public static final int DEFAULT_STARTUP_UNWRAP_CONCURRENCY = 8;
    /** Least time between two unwrap attempts for a volume whose DEK could not be unwrapped. */
    public static final Duration DEFAULT_UNWRAP_RETRY_INTERVAL = Duration.ofSeconds(1);

    /** Blocks the background re-seal after a DEK rollover scans per second (I/O it adds next to client traffic). */
    public static final int DEFAULT_RESEAL_BLOCKS_PER_SECOND = 4096;
    /** Blocks per re-seal step: one read, one write, and client writes to them wait that long at most. */
    public static final int DEFAULT_RESEAL_BATCH_BLOCKS = 32;
    /** Least time between two checkpoints of the re-seal progress in the volume metadata. */
    public static final Duration DEFAULT_RESEAL_CHECKPOINT_INTERVAL = Duration.ofSeconds(1);
    /** Seals of the active DEK after which a rollover starts: 2^24 (128 GiB of 8 KiB blocks) before the limit. */
    public static final long DEFAULT_ROLLOVER_AT_SEALS = Dek.INVOCATION_LIMIT - (1L << 24);
    /** How often auto-follow volumes look for a new KEK version and DEK ages are checked (the probe interval). */
    public static final Duration DEFAULT_KEY_WATCH_INTERVAL = Duration.ofSeconds(60);
    /** How often the volumes of a store other gateways share are listed and their documents re-read. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(10);

    private String serviceKekId;
    private int resealBlocksPerSecond = DEFAULT_RESEAL_BLOCKS_PER_SECOND;
    private int resealBatchBlocks = DEFAULT_RESEAL_BATCH_BLOCKS;
    private Duration resealCheckpointInterval = DEFAULT_RESEAL_CHECKPOINT_INTERVAL;
    private long rolloverAtSeals = DEFAULT_ROLLOVER_AT_SEALS;
    private Duration dekMaxAge;
    private Duration keyWatchInterval = DEFAULT_KEY_WATCH_INTERVAL;
    private String serviceKekIdentity;
    private int startupUnwrapConcurrency = DEFAULT_STARTUP_UNWRAP_CONCURRENCY;
    private Duration unwrapRetryInterval = DEFAULT_UNWRAP_RETRY_INTERVAL;
    private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;

    public String getServiceKekId() {
        return serviceKekId;
    }

    /** Key identifier URL (versioned or not) of the service-managed KEK, used for volumes that name none. Required. */
    public VolumeServiceOptions setServiceKekId(String serviceKekId) {
        this.serviceKekId = serviceKekId;
        return this;
    }

    public String getServiceKekIdentity() {
        return serviceKekIdentity;
    }

    /** Identity that reaches the service KEK; null = the default identity of the key vaults config. */
    public VolumeServiceOptions setServiceKekIdentity(String serviceKekIdentity) {
        this.serviceKekIdentity = serviceKekIdentity;
        return this;
    }

    public int getStartupUnwrapConcurrency() {
        return startupUnwrapConcurrency;
    }

    public VolumeServiceOptions setStartupUnwrapConcurrency(int startupUnwrapConcurrency) {
        this.startupUnwrapConcurrency = startupUnwrapConcurrency;
        return this;
    }

    public Duration getUnwrapRetryInterval() {
        return unwrapRetryInterval;
    }

    public VolumeServiceOptions setUnwrapRetryInterval(Duration unwrapRetryInterval) {
        this.unwrapRetryInterval = Objects.requireNonNull(unwrapRetryInterval, "unwrapRetryInterval");
        return this;
    }

    public int getResealBlocksPerSecond() {
        return resealBlocksPerSecond;
    }

    public VolumeServiceOptions setResealBlocksPerSecond(int resealBlocksPerSecond) {
        this.resealBlocksPerSecond = resealBlocksPerSecond;
        return this;
    }

    public int getResealBatchBlocks() {
        return resealBatchBlocks;
    }

    public VolumeServiceOptions setResealBatchBlocks(int resealBatchBlocks) {
        this.resealBatchBlocks = resealBatchBlocks;
        return this;
    }

    public Duration getResealCheckpointInterval() {
        return resealCheckpointInterval;
    }

    public VolumeServiceOptions setResealCheckpointInterval(Duration resealCheckpointInterval) {
        this.resealCheckpointInterval = Objects.requireNonNull(resealCheckpointInterval, "resealCheckpointInterval");
        return this;
    }

    public long getRolloverAtSeals() {
        return rolloverAtSeals;
    }

    /** Seals of the active DEK (persisted counts included) at which a rollover to a new DEK starts on its own. */
    public VolumeServiceOptions setRolloverAtSeals(long rolloverAtSeals) {
        this.rolloverAtSeals = rolloverAtSeals;
        return this;
    }

    public Duration getDekMaxAge() {
        return dekMaxAge;
    }

    /** Age at which the active DEK is rolled over on its own; null (the default) = by use only. */
    public VolumeServiceOptions setDekMaxAge(Duration dekMaxAge) {
        this.dekMaxAge = dekMaxAge;
        return this;
    }

    public Duration getKeyWatchInterval() {
        return keyWatchInterval;
    }

    public VolumeServiceOptions setKeyWatchInterval(Duration keyWatchInterval) {
        this.keyWatchInterval = Objects.requireNonNull(keyWatchInterval, "keyWatchInterval");
        return this;
    }

    public Duration getRefreshInterval() {
        return refreshInterval;
    }

    /**
     * On a store other gateways write too ({@link io.strongroom.core.store.MetadataStore#shared()}): how often this
     * gateway lists the volumes and re-reads their documents, taking in volumes created and deleted elsewhere and
     * key changes made elsewhere (docs/SCALE-OUT.md, "Volumes across gateways"). Unused on a store of its own.
     */
    public VolumeServiceOptions setRefreshInterval(Duration refreshInterval) {
        this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
        return this;
    }

    void validate() {
        if (resealBlocksPerSecond <= 0 || resealBatchBlocks <= 0 || resealBatchBlocks > ResealGate.STRIPES) {
            throw new IllegalArgumentException(
                    "resealBlocksPerSecond must be positive, resealBatchBlocks in 1.." + ResealGate.STRIPES);
        }
        if (rolloverAtSeals <= 0 || rolloverAtSeals > Dek.INVOCATION_LIMIT) {
            throw new IllegalArgumentException("rolloverAtSeals must be in 1.." + Dek.INVOCATION_LIMIT);
        }
        if (keyWatchInterval.isNegative()
                || keyWatchInterval.isZero()
                || (dekMaxAge != null && (dekMaxAge.isNegative() || dekMaxAge.isZero()))) {
            throw new IllegalArgumentException("keyWatchInterval and dekMaxAge must be positive");
        }
        if (serviceKekId == null) {
            throw new IllegalArgumentException("serviceKekId is required");
        }
        if (startupUnwrapConcurrency <= 0) {
            throw new IllegalArgumentException(
                    "startupUnwrapConcurrency must be positive, not " + startupUnwrapConcurrency);
        }
        if (refreshInterval.isNegative() || refreshInterval.isZero()) {
            throw new IllegalArgumentException("refreshInterval must be positive");
        }
        if (unwrapRetryInterval.isNegative()) {
            throw new IllegalArgumentException("unwrapRetryInterval must not be negative");
        }
    }
}
