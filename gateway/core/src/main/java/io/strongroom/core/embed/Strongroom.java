package io.strongroom.core.embed;

import io.strongroom.core.keys.KeyAccessRule;
import io.strongroom.core.keys.KeyVaults;
import io.strongroom.core.store.StorageBackend;
import io.strongroom.core.store.StorageBackends;
import io.strongroom.core.volume.DefaultVolumeService;
import io.strongroom.core.volume.Replicas;
import io.strongroom.core.volume.VolumeInfo;
import io.strongroom.core.volume.VolumeService;
import io.strongroom.core.volume.VolumeSpec;
import io.strongroom.crypto.BlockSealer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Strongroom in this process: encrypted volumes over a storage backend, their keys in the configured vaults, the
 * key-access rule watching those keys. The one place that wires them, in the one order that works, so no caller
 * (the HTTP gateway, an NBD server, an application embedding it) can get it wrong:
 *
 * <ol>
 *   <li>the key vaults ({@link KeyVaults#create}): clients, identities, the DEK cache;
 *   <li>the key-access rule attached to them ({@link KeyAccessRule#attach}): grace period, activity log, alerts,
 *       the key-residue scrub of the event loops, before any DEK is unwrapped;
 *   <li>the storage backend, then the volume service over it ({@link DefaultVolumeService#open}), which registers
 *       its DEKs with the rule and unwraps them;
 *   <li>the rule's monitor (deadline ticks and probes), once there are DEKs to watch.
 * </ol>
 *
 * Every method returns at once; see {@link BlockingStrongroom} for callers outside Vert.x. Volumes are used through
 * {@link #volume(String)} handles or, for key administration, {@link #volumes()}.
 */
public final class Strongroom {
    private final Vertx vertx;
    private final boolean ownVertx;
    private final StrongroomOptions options;
    private @Nullable KeyVaults keys;
    private @Nullable KeyAccessRule keyAccess;
    private @Nullable StorageBackend storage;
    private @Nullable DefaultVolumeService volumes;
    private @Nullable Replicas replicas;
    private @Nullable Future<Void> closing;

    private Strongroom(Vertx vertx, boolean ownVertx, StrongroomOptions options) {
        this.vertx = vertx;
        this.ownVertx = ownVertx;
        this.options = options;
    }

    /**
     * Starts Strongroom. Fails with IllegalArgumentException for unusable options, or with what failed while
     * starting; then whatever had been started (the storage backend too, when it was given opened) is closed again.
     */
    public static Future<Strongroom> start(StrongroomOptions options) {
        try {
            options.validate();
        } catch (IllegalArgumentException e) {
            closeGivenBackend(options);
            return Future.failedFuture(e);
        }
        Vertx given = options.getVertx();
        Strongroom strongroom = new Strongroom(given != null ? given : Vertx.vertx(), given == null, options);
        return strongroom.startAll().recover(e -> strongroom.close().transform(ignored -> Future.failedFuture(e)));
    }

    private static void closeGivenBackend(StrongroomOptions options) {
        StorageBackend given = options.getStorageBackend();
        if (given != null) {
            given.close();
        }
    }

    private Future<Strongroom> startAll() {
        StorageBackend given = options.getStorageBackend();
        storage = given;
        KeyAccessRule.Settings settings = Objects.requireNonNull(options.getKeyAccess());
        return vertx.executeBlocking(() -> createParent(settings.activityLogFile()), false)
                .compose(x -> {
                    keys = KeyVaults.create(vertx, Objects.requireNonNull(options.getKeyVaults()));
                    keyAccess = KeyAccessRule.attach(vertx, settings, keys);
                    return given != null
                            ? Future.succeededFuture(given)
                            : StorageBackends.open(vertx, Objects.requireNonNull(options.getStorage()))
                                    .onSuccess(s -> storage = s);
                })
                .compose(s -> DefaultVolumeService.open(
                        vertx, s.blocks(), s.metadata(), keys, BlockSealer.create(), options.getVolumes()))
                .compose(service -> {
                    volumes = service;
                    return Replicas.open(vertx, service, options.getReplicaDirectory(), keys.clock());
                })
                .map(opened -> {
                    replicas = opened;
                    keyAccess.startMonitor();
                    return this;
                });
    }

    /** The activity log's directory, so that its writer can create the file. */
    private static Void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return null;
    }

    /** Creates a volume and its DEK, wrapped under the spec's KEK or the service KEK. */
    public Future<VolumeInfo> createVolume(VolumeSpec spec) {
        return volumes().create(spec);
    }

    /** Every volume, by name. */
    public Future<List<VolumeInfo>> listVolumes() {
        return volumes().list();
    }

    /** Destroys the volume's DEKs, then its data. */
    public Future<Void> deleteVolume(String name) {
        return volumes().delete(name);
    }

    /** A handle on an existing volume; fails with VolumeNotFound when there is none of that name. */
    public Future<VolumeHandle> volume(String name) {
        VolumeService service = volumes();
        return service.get(name).map(info -> new VolumeHandle(service, info));
    }

    /** The volume service itself: key changes (KEK, rollover) and everything the handles do. */
    public VolumeService volumes() {
        return started(volumes);
    }

    /** The read replicas this instance keeps of other gateways' volumes (docs/REPLICAS.md). */
    public Replicas replicas() {
        return started(replicas);
    }

    /** The key vaults: key states, vault clients (for health and metrics). */
    public KeyVaults keyVaults() {
        return started(keys);
    }

    /** The key-access rule: monitor (probes, revalidation), activity log, metrics of what reporting lost. */
    public KeyAccessRule keyAccess() {
        return started(keyAccess);
    }

    /** The storage backend the volumes live in (its statistics, for health and metrics). */
    public StorageBackend storage() {
        return started(storage);
    }

    /** The Vert.x instance Strongroom runs on (its own, or the one given in the options). */
    public Vertx vertx() {
        return vertx;
    }

    /** The options Strongroom was started with. */
    public StrongroomOptions options() {
        return options;
    }

    private static <T> T started(@Nullable T part) {
        if (part == null) {
            throw new IllegalStateException("Strongroom has not started");
        }
        return part;
    }

    /**
     * Stops the monitor, flushes and closes the volumes (their DEKs destroyed) and the storage backend, then the
     * vault clients and the activity log, and last its own Vert.x instance. Idempotent. Every part is closed even
     * when an earlier one fails to close cleanly; the future then fails with the first such failure.
     */
    public synchronized Future<Void> close() {
        if (closing == null) {
            if (keyAccess != null) {
                keyAccess.stopMonitor();
            }
            closing = step(null, () -> replicas == null ? null : replicas.close())
                    .transform(ar -> step(ar.cause(), () -> volumes == null ? null : volumes.close()))
                    .transform(ar -> step(ar.cause(), () -> storage == null ? null : storage.close()))
                    .transform(ar -> step(ar.cause(), () -> keys == null ? null : keys.close()))
                    .transform(ar -> step(ar.cause(), () -> keyAccess == null ? null : keyAccess.close()))
                    .transform(ar -> step(ar.cause(), () -> ownVertx ? vertx.close() : null));
        }
        return closing;
    }

    /** Runs one closing step after the previous ones; fails with the first failure seen, after every step ran. */
    private static Future<Void> step(@Nullable Throwable earlier, Supplier<@Nullable Future<Void>> next) {
        Future<Void> closed = next.get();
        Future<Void> done = closed == null ? Future.succeededFuture() : closed;
        return done.transform(ar -> {
            Throwable first = earlier != null ? earlier : ar.cause();
            return first == null ? Future.succeededFuture() : Future.failedFuture(first);
        });
    }
}
