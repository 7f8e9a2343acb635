package io.strongroom.core.volume;

import io.strongroom.core.activity.ActivityType;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.metrics.MetricCatalog;
import io.strongroom.core.metrics.MetricsRegistry;
import io.strongroom.crypto.Dek;
import io.strongroom.crypto.DekId;
import io.strongroom.crypto.KeyWrapAlgorithm;
import io.strongroom.crypto.RsaKeyWrap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The read replicas of this gateway (docs/REPLICAS.md): each follows a volume of a primary gateway by pulling
 * replication cycles over HTTP, opens the shipped sealed images with the primary's DEKs (received wrapped under an
 * RSA key pair the replica keeps in memory only) and writes the plaintext through its own volume's write path, so
 * the copy is sealed under its own DEK and KEK. Its volume refuses every other write until it is promoted.
 *
 * <p>State: {@code <dir>/<name>.json} (primary, stream, last cycle applied whole, promoted), written atomically only
 * once a whole cycle is applied and flushed, and {@code <dir>/<name>.token} (mode 0600) with the primary's token.
 */
public final class Replicas {
    private static final System.Logger LOG = System.getLogger(Replicas.class.getName());
    static final int PAGE_BLOCKS = 256;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final int EPHEMERAL_KEY_BITS = 3072;
    private static final Duration LAG_ALERT = Duration.ofSeconds(60);
    /** Names of the guard snapshots a replica takes of its own volume (docs/REPLICAS.md, "Whole cycles"). */
    static final String GUARD_PREFIX = "replica-guard-";

    private final Vertx vertx;
    private final DefaultVolumeService volumes;
    private final @Nullable Path dir;
    private final Clock clock;
    private final HttpClient http;
    private final KeyEvents events;
    private final Map<String, Replica> replicas = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private Replicas(Vertx vertx, DefaultVolumeService volumes, @Nullable Path dir, Clock clock) {
        this.vertx = vertx;
        this.volumes = volumes;
        this.dir = dir;
        this.clock = clock;
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(10_000));
        this.events = volumes.events();
    }

    /**
     * Loads the replicas kept in {@code dir} (null: this gateway keeps none), makes their volumes read-only and
     * starts following. Call before any frontend serves the volumes.
     */
    public static Future<Replicas> open(Vertx vertx, DefaultVolumeService volumes, @Nullable Path dir, Clock clock) {
        Replicas r = new Replicas(vertx, volumes, dir, clock);
        if (dir == null) {
            return Future.succeededFuture(r);
        }
        return vertx.executeBlocking(() -> r.readAll(dir), false).map(loaded -> {
            loaded.forEach(r::resume);
            return r;
        });
    }

    private List<Replica> readAll(Path from) throws IOException {
        List<Replica> loaded = new ArrayList<>();
        Files.createDirectories(from);
        try (var files = Files.newDirectoryStream(from, "*.json")) {
            for (Path f : files) {
                JsonObject json = new JsonObject(Files.readString(f));
                String name = json.getString("name");
                boolean promoted = json.getBoolean("promoted", false);
                Path tokenFile = from.resolve(name + ".token");
                // none after a crash between the two deletions of a replica's files, or if removed by hand
                String token = promoted || !Files.exists(tokenFile)
                        ? ""
                        : Files.readString(tokenFile).trim();
                Replica r = new Replica(
                        name,
                        json.getString("stream"),
                        json.getString("primaryUrl"),
                        json.getString("primaryVolume"),
                        Duration.ofMillis(json.getLong("intervalMillis")),
                        token);
                r.applied = json.getString("applied");
                String at = json.getString("appliedAt");
                r.appliedAt = at == null ? null : Instant.parse(at);
                r.state = promoted
                        ? ReplicaInfo.State.PROMOTED
                        : r.applied == null ? ReplicaInfo.State.SYNCING : ReplicaInfo.State.FOLLOWING;
                loaded.add(r);
            }
        }
        return loaded;
    }

    private void resume(Replica r) {
        replicas.put(r.name, r);
        if (r.state == ReplicaInfo.State.PROMOTED) {
            return;
        }
        if (volumes.blockSize(r.name).isEmpty()) {
            r.fail("its volume " + r.name + " is missing on this gateway");
            LOG.log(Level.ERROR, "replica {0}: its volume is missing; it does not follow", r.name);
            return;
        }
        volumes.replicaTarget(r.name, true);
        if (r.token.isEmpty()) {
            r.fail("its token file is missing: delete the replica and create it again");
            LOG.log(Level.ERROR, "replica {0}: its token file is missing; it does not follow", r.name);
            return;
        }
        r.schedule(0, null);
    }

    /**
     * Creates a replica: asks the primary for a first cycle (which checks the URL, the token and the volume), creates
     * the replica's volume with the primary's geometry under the spec's KEK, read-only, keeps the state and starts
     * following. ReplicaExists when a replica or volume has the name; PrimaryUnreachable or PrimaryRefused when the
     * primary cannot be reached or says no.
     */
    public Future<ReplicaInfo> create(ReplicaSpec spec) {
        try {
            check(spec);
        } catch (StrongroomException e) {
            return Future.failedFuture(e);
        }
        Duration interval = spec.interval() == null ? ReplicaSpec.DEFAULT_INTERVAL : spec.interval();
        Replica r = new Replica(
                spec.name(),
                UUID.randomUUID().toString(),
                spec.primaryUrl(),
                spec.primaryVolume(),
                interval,
                spec.token());
        if (replicas.putIfAbsent(spec.name(), r) != null
                || volumes.blockSize(spec.name()).isPresent()) {
            replicas.remove(spec.name(), r);
            return Future.failedFuture(new StrongroomException(
                    ErrorCode.ReplicaExists, "a replica or volume named " + spec.name() + " exists on this gateway"));
        }
        return r.keyPair()
                .compose(keys -> r.client.start(null, true, keys.getPublic()))
                .compose(first -> volumes.create(new VolumeSpec(
                                r.name,
                                first.blockCount() * first.blockSize(),
                                first.blockSize(),
                                spec.kekId(),
                                spec.identity()))
                        .compose(created -> {
                            volumes.replicaTarget(r.name, true);
                            return vertx.executeBlocking(
                                    () -> {
                                        writeToken(r);
                                        persist(r);
                                        return null;
                                    },
                                    false);
                        })
                        .onFailure(e -> r.client.release())
                        .map(x -> {
                            LOG.log(
                                    Level.INFO,
                                    "replica {0} of {1} at {2} created",
                                    r.name,
                                    r.primaryVolume,
                                    r.primaryUrl);
                            events.replica(ActivityType.REPLICA_CREATED, r.name, r.describe(), null);
                            r.schedule(0, first);
                            return r.info();
                        }))
                .onFailure(e -> replicas.remove(r.name, r));
    }

    private void check(ReplicaSpec spec) {
        if (closed) {
            throw new StrongroomException(ErrorCode.StorageUnavailable, "the replicas are closed");
        }
        if (dir == null) {
            throw new StrongroomException(ErrorCode.InvalidArgument, "this gateway has no directory for replica state");
        }
        if (spec.name() == null || !VolumeRules.NAME.matcher(spec.name()).matches()) {
            throw new StrongroomException(
                    ErrorCode.InvalidArgument, "a replica name must match [a-z0-9][a-z0-9._-]{0,62}");
        }
        if (spec.primaryUrl() == null || !spec.primaryUrl().matches("https?://[^/?#\\s]+/?")) {
            throw new StrongroomException(
                    ErrorCode.InvalidArgument, "primaryUrl must be http(s)://host:port of the primary gateway");
        }
        if (spec.primaryVolume() == null
                || !VolumeRules.NAME.matcher(spec.primaryVolume()).matches()) {
            throw new StrongroomException(ErrorCode.InvalidArgument, "primaryVolume must be a volume name");
        }
        if (spec.token() == null || !spec.token().matches("[\\x21-\\x7e]{1,4096}")) {
            throw new StrongroomException(
                    ErrorCode.InvalidArgument, "a token of the primary (printable ASCII, no spaces) is required");
        }
        if (spec.interval() != null
                && (spec.interval().isNegative() || spec.interval().toMillis() < 10)) {
            throw new StrongroomException(ErrorCode.InvalidArgument, "the interval is at least 10 ms");
        }
    }

    public Future<List<ReplicaInfo>> list() {
        List<ReplicaInfo> all = new ArrayList<>();
        replicas.values().forEach(r -> all.add(r.info()));
        all.sort(Comparator.comparing(ReplicaInfo::name));
        return Future.succeededFuture(all);
    }

    public Future<ReplicaInfo> get(String name) {
        try {
            return Future.succeededFuture(replica(name).info());
        } catch (StrongroomException e) {
            return Future.failedFuture(e);
        }
    }

    /**
     * Stops following (after the cycle in progress, if any, ends) and makes the volume writable; then asks the
     * primary, if it answers, to drop the stream's replication snapshots. The volume holds every write the primary
     * acknowledged before the last cycle applied whole.
     */
    public Future<ReplicaInfo> promote(String name) {
        Replica r;
        try {
            r = replica(name);
        } catch (StrongroomException e) {
            return Future.failedFuture(e);
        }
        if (r.state == ReplicaInfo.State.PROMOTED) {
            return Future.succeededFuture(r.info());
        }
        return r.stop(false)
                .compose(x -> r.undoUnfinishedCycle())
                .compose(x -> {
                    r.state = ReplicaInfo.State.PROMOTED;
                    r.lastError = null;
                    return vertx.executeBlocking(
                            () -> {
                                persist(r);
                                Files.deleteIfExists(tokenFile(r.name));
                                return null;
                            },
                            false);
                })
                .map(x -> {
                    volumes.replicaTarget(r.name, false);
                    LOG.log(Level.INFO, "replica {0} promoted: its volume is writable", r.name);
                    events.replica(ActivityType.REPLICA_PROMOTED, r.name, r.describe() + ", " + r.appliedText(), null);
                    releaseQuietly(r);
                    return r.info();
                });
    }

    /** Stops following, deletes the replica's volume and state, and asks the primary to drop the stream. */
    public Future<Void> delete(String name) {
        Replica r;
        try {
            r = replica(name);
        } catch (StrongroomException e) {
            return Future.failedFuture(e);
        }
        boolean following = r.state != ReplicaInfo.State.PROMOTED;
        return r.stop(true).compose(x -> {
            if (volumes.blockSize(r.name).isPresent()) {
                volumes.replicaTarget(r.name, false);
            }
            Future<Void> guardsDropped =
                    volumes.blockSize(r.name).isPresent() ? r.dropGuards(null) : Future.succeededFuture();
            return guardsDropped
                    .compose(y -> volumes.delete(r.name))
                    .recover(e -> StrongroomException.codeOf(e) == ErrorCode.VolumeNotFound
                            ? Future.succeededFuture()
                            : Future.failedFuture(e))
                    .onFailure(e -> {
                        if (following) {
                            volumes.replicaTarget(r.name, true);
                            r.restart();
                        }
                    })
                    .compose(y -> vertx.executeBlocking(
                            () -> {
                                Files.deleteIfExists(stateFile(r.name));
                                Files.deleteIfExists(tokenFile(r.name));
                                return null;
                            },
                            false))
                    .map(y -> {
                        replicas.remove(r.name, r);
                        if (following) {
                            releaseQuietly(r);
                        }
                        LOG.log(Level.INFO, "replica {0} deleted", r.name);
                        return null;
                    });
        });
    }

    private void releaseQuietly(Replica r) {
        r.client
                .release()
                .onFailure(e -> LOG.log(
                        Level.WARNING,
                        "replica {0}: the primary did not drop its replication snapshots ({1}); delete the snapshots"
                                + " named repl-{2}-* on volume {3} there",
                        r.name,
                        e.getMessage(),
                        r.stream,
                        r.primaryVolume));
    }

    /** Publishes the replicas' lag, cycles, blocks and bytes shipped, and whether each follows. */
    public void registerMetrics(MetricsRegistry registry) {
        registry.register(out -> {
            List<ReplicaInfo> all = list().result();
            out.family(MetricCatalog.REPLICA_LAG);
            all.stream()
                    .filter(r -> r.lagSeconds() != null)
                    .forEach(r -> out.sample(MetricCatalog.REPLICA_LAG, r.lagSeconds(), "replica", r.name()));
            out.family(MetricCatalog.REPLICA_CYCLES);
            all.forEach(r -> out.sample(MetricCatalog.REPLICA_CYCLES, r.cycles(), "replica", r.name()));
            out.family(MetricCatalog.REPLICA_BLOCKS);
            all.forEach(r -> out.sample(MetricCatalog.REPLICA_BLOCKS, r.blocksShipped(), "replica", r.name()));
            out.family(MetricCatalog.REPLICA_BYTES);
            all.forEach(r -> out.sample(MetricCatalog.REPLICA_BYTES, r.bytesShipped(), "replica", r.name()));
            out.family(MetricCatalog.REPLICA_FOLLOWING);
            all.forEach(r -> out.sample(
                    MetricCatalog.REPLICA_FOLLOWING,
                    r.state() == ReplicaInfo.State.FOLLOWING ? 1 : 0,
                    "replica",
                    r.name()));
        });
    }

    /** Stops every replica's loop, waiting for the cycles in progress to end. */
    public Future<Void> close() {
        closed = true;
        List<Future<Void>> stopped = new ArrayList<>();
        replicas.values().forEach(r -> stopped.add(r.stop(true)));
        return Future.join(stopped).transform(x -> http.close());
    }

    private Replica replica(String name) {
        Replica r = name == null ? null : replicas.get(name);
        if (r == null) {
            throw new StrongroomException(ErrorCode.ReplicaNotFound, "no replica named " + name + " on this gateway");
        }
        return r;
    }

    private Path stateFile(String name) {
        return dir.resolve(name + ".json");
    }

    private Path tokenFile(String name) {
        return dir.resolve(name + ".token");
    }

    private void writeToken(Replica r) throws IOException {
        Path tmp = dir.resolve("." + r.name + ".token.tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        writeDurably(tmp, r.token);
        Files.move(tmp, tokenFile(r.name), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Writes the replica's state document atomically (temporary file, fsync, rename, fsync of the directory). */
    private void persist(Replica r) throws IOException {
        JsonObject json = new JsonObject()
                .put("name", r.name)
                .put("stream", r.stream)
                .put("primaryUrl", r.primaryUrl)
                .put("primaryVolume", r.primaryVolume)
                .put("intervalMillis", r.interval.toMillis())
                .put("applied", r.applied)
                .put("appliedAt", r.appliedAt == null ? null : r.appliedAt.toString())
                .put("promoted", r.state == ReplicaInfo.State.PROMOTED);
        Path tmp = dir.resolve("." + r.name + ".json.tmp");
        Files.deleteIfExists(tmp);
        writeDurably(tmp, json.encodePrettily());
        Files.move(tmp, stateFile(r.name), StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    private static void writeDurably(Path file, String text) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
    }

    /** One replica and its loop. Its fields change on the loop's context; the API reads them. */
    private final class Replica {
        final String name;
        final String stream;
        final String primaryUrl;
        final String primaryVolume;
        final Duration interval;
        final String token;
        final ReplicationClient client;
        final AtomicLong cycles = new AtomicLong();
        final AtomicLong blocks = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        volatile @Nullable String applied;
        volatile @Nullable Instant appliedAt;
        volatile ReplicaInfo.State state = ReplicaInfo.State.SYNCING;
        volatile @Nullable String lastError;
        private volatile boolean stopped;
        /** Set to give up the cycle in progress between two pages (deletion, shutdown); it is re-applied later. */
        private volatile boolean aborted;

        private volatile long timer = -1;
        private volatile Future<Void> running = Future.succeededFuture();
        private int failures;
        private boolean lagging;
        private @Nullable Future<KeyPair> keyPair;

        Replica(String name, String stream, String primaryUrl, String primaryVolume, Duration interval, String token) {
            this.name = name;
            this.stream = stream;
            this.primaryUrl = primaryUrl;
            this.primaryVolume = primaryVolume;
            this.interval = interval;
            this.token = token;
            this.client = new ReplicationClient(http, primaryUrl, primaryVolume, stream, token);
        }

        /** The replica's RSA key pair for receiving DEKs: generated once, in memory only. */
        synchronized Future<KeyPair> keyPair() {
            if (keyPair == null) {
                keyPair = vertx.executeBlocking(
                        () -> {
                            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                            g.initialize(EPHEMERAL_KEY_BITS);
                            return g.generateKeyPair();
                        },
                        false);
            }
            return keyPair;
        }

        void schedule(long delayMillis, @Nullable ReplicationCycle started) {
            if (stopped || closed) {
                return;
            }
            timer = vertx.setTimer(Math.max(1, delayMillis), id -> {
                timer = -1;
                if (stopped || closed) {
                    return;
                }
                running = cycle(started).transform(ar -> {
                    if (stopped || closed) {
                        return Future.succeededFuture();
                    }
                    if (ar.succeeded()) {
                        failures = 0;
                        lastError = null;
                        if (state != ReplicaInfo.State.FOLLOWING || lagging) {
                            lagging = false;
                            events.replica(
                                    ActivityType.REPLICA_CAUGHT_UP, name, describe() + ", " + appliedText(), null);
                        }
                        state = ReplicaInfo.State.FOLLOWING;
                        checkLag();
                        schedule(interval.toMillis(), null);
                    } else {
                        failures++;
                        if (state == ReplicaInfo.State.FOLLOWING) {
                            events.replica(
                                    ActivityType.REPLICA_PRIMARY_UNREACHABLE,
                                    name,
                                    describe() + ": " + ar.cause().getMessage(),
                                    ar.cause());
                        }
                        fail(ar.cause().getMessage());
                        checkLag();
                        LOG.log(
                                Level.WARNING,
                                "replica {0}: cycle failed: {1}",
                                name,
                                ar.cause().getMessage());
                        long backoff = Math.min(MAX_BACKOFF.toMillis(), interval.toMillis() << Math.min(failures, 16));
                        schedule(backoff, null);
                    }
                    return Future.succeededFuture();
                });
            });
        }

        /** Records a REPLICA_LAGGING event once each time the lag goes over the threshold. */
        private void checkLag() {
            Instant at = appliedAt;
            Duration threshold =
                    interval.multipliedBy(10).compareTo(LAG_ALERT) > 0 ? interval.multipliedBy(10) : LAG_ALERT;
            if (!lagging && at != null && Duration.between(at, clock.instant()).compareTo(threshold) > 0) {
                lagging = true;
                events.replica(
                        ActivityType.REPLICA_LAGGING,
                        name,
                        describe() + ", " + appliedText() + ", over " + threshold.toSeconds() + " s",
                        null);
            }
        }

        String describe() {
            return "replica of " + primaryVolume + " at " + primaryUrl;
        }

        String appliedText() {
            return applied == null ? "no cycle applied yet" : "holds the primary as of " + appliedAt;
        }

        void fail(String why) {
            lastError = why;
            state = ReplicaInfo.State.PRIMARY_UNREACHABLE;
        }

        /**
         * Stops the loop; the cycle in progress, if any, runs to its end (applied whole, or failed) unless
         * {@code abort}, which gives it up after the page being applied. Completes when no cycle runs.
         */
        Future<Void> stop(boolean abort) {
            stopped = true;
            aborted |= abort;
            long t = timer;
            if (t >= 0) {
                vertx.cancelTimer(t);
            }
            return running;
        }

        void restart() {
            stopped = false;
            aborted = false;
            schedule(0, null);
        }

        /** One cycle: start it (unless given), apply every page, flush, then record it as applied. */
        private Future<Void> cycle(@Nullable ReplicationCycle started) {
            return keyPair()
                    .compose(keys -> (started != null
                                    ? Future.succeededFuture(started)
                                    : client.start(applied, false, keys.getPublic()))
                            .compose(c -> volumes.get(name).map(own -> {
                                checkGeometry(c, own);
                                return c;
                            }))
                            .compose(c -> {
                                Map<DekId, Dek> deks;
                                try {
                                    deks = unwrap(c, (RSAPrivateKey) keys.getPrivate());
                                } catch (StrongroomException e) {
                                    return Future.failedFuture(e);
                                }
                                return guard().compose(x -> pages(c, 0, deks))
                                        .compose(x -> volumes.flush(name))
                                        .compose(x -> {
                                            String previous = applied;
                                            Instant previousAt = appliedAt;
                                            applied = c.cycle();
                                            appliedAt = c.created();
                                            return vertx.<Void>executeBlocking(
                                                            () -> {
                                                                persist(this);
                                                                return null;
                                                            },
                                                            false)
                                                    .onFailure(e -> {
                                                        applied = previous;
                                                        appliedAt = previousAt;
                                                    });
                                        })
                                        .onSuccess(x -> cycles.incrementAndGet())
                                        .andThen(x -> deks.values().forEach(Dek::destroy))
                                        .compose(x -> dropGuards(null).recover(e -> {
                                            LOG.log(
                                                    Level.WARNING,
                                                    "replica {0}: could not delete its guard snapshot (the next cycle"
                                                            + " does): {1}",
                                                    name,
                                                    e.getMessage());
                                            return Future.succeededFuture();
                                        }));
                            }));
        }

        /**
         * The snapshot of this replica's volume that a cycle on top of base {@code applied} takes before it changes a
         * block: it keeps the last whole cycle, which a promotion puts back if that cycle never finished.
         */
        private String guardName() {
            return GUARD_PREFIX + (applied == null ? "empty" : applied.substring(applied.lastIndexOf('-') + 1));
        }

        /** Takes the guard of the current base unless a cycle on that base already took it; drops older ones. */
        private Future<Void> guard() {
            String keep = guardName();
            return dropGuards(keep)
                    .compose(x -> volumes.createSnapshot(name, keep)
                            .<Void>mapEmpty()
                            .recover(e -> StrongroomException.codeOf(e) == ErrorCode.SnapshotExists
                                    ? Future.succeededFuture()
                                    : Future.failedFuture(e)));
        }

        /** Deletes this replica's guard snapshots other than {@code keep} (all when null). */
        Future<Void> dropGuards(@Nullable String keep) {
            return volumes.snapshots(name)
                    .compose(all -> Future.all(all.stream()
                                    .filter(g -> g.name().startsWith(GUARD_PREFIX)
                                            && !g.name().equals(keep))
                                    .map(g -> volumes.deleteSnapshot(name, g.name()))
                                    .toList())
                            .mapEmpty());
        }

        /**
         * After following stopped: if the last cycle did not finish (its guard is there), puts back the blocks it
         * changed, so the volume is the primary's last whole cycle, a crash-consistent image; then drops the guards.
         */
        Future<Void> undoUnfinishedCycle() {
            String guard = guardName();
            return volumes.snapshots(name)
                    .compose(all -> all.stream().anyMatch(g -> g.name().equals(guard))
                            ? volumes.revertToSnapshot(name, guard)
                                    .onSuccess(n -> LOG.log(
                                            Level.INFO,
                                            "replica {0}: its unfinished cycle undone, {1} blocks put back as of {2}",
                                            name,
                                            n,
                                            appliedText()))
                                    .<Void>mapEmpty()
                            : Future.<Void>succeededFuture())
                    .compose(x -> dropGuards(null));
        }

        private static void checkGeometry(ReplicationCycle c, VolumeInfo own) {
            if (own.blockCount() != c.blockCount() || own.blockSize() != c.blockSize()) {
                throw new StrongroomException(
                        ErrorCode.PrimaryRefused,
                        "the primary volume has " + c.blockCount() + " blocks of " + c.blockSize()
                                + " bytes; the replica's volume has " + own.blockCount() + " of " + own.blockSize());
            }
        }

        private Map<DekId, Dek> unwrap(ReplicationCycle c, RSAPrivateKey key) {
            Map<DekId, Dek> deks = new HashMap<>();
            try {
                for (ReplicationCycle.ShippedDek d : c.deks()) {
                    DekId id = DekId.parse(d.id());
                    deks.put(id, Dek.adopt(id, RsaKeyWrap.unwrap(KeyWrapAlgorithm.RSA_OAEP_256, key, d.wrapped()), 0));
                }
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                deks.values().forEach(Dek::destroy);
                throw new StrongroomException(
                        ErrorCode.PrimaryRefused, "a DEK the primary sent does not unwrap under the replica's key");
            }
            return deks;
        }

        private Future<Void> pages(ReplicationCycle c, long from, Map<DekId, Dek> deks) {
            if (aborted) {
                return Future.failedFuture(
                        new StrongroomException(ErrorCode.StorageUnavailable, "replica " + name + " stopped"));
            }
            return client.page(c, applied, from, PAGE_BLOCKS).compose(body -> {
                ReplicationWire.Page page;
                try {
                    page = ReplicationWire.decode(body, io.strongroom.crypto.BlockSealer.sealedSize(c.blockSize()));
                } catch (IllegalArgumentException e) {
                    return Future.failedFuture(new StrongroomException(ErrorCode.PrimaryRefused, e.getMessage()));
                }
                bytes.addAndGet(body.length());
                return apply(c, page.entries(), deks).compose(x -> {
                    blocks.addAndGet(page.entries().size());
                    return page.next() < 0 ? Future.succeededFuture() : pages(c, page.next(), deks);
                });
            });
        }

        /** Applies a page: each run of consecutive images as one write, each run of empty blocks as one trim. */
        private Future<Void> apply(ReplicationCycle c, List<ReplicationWire.Entry> entries, Map<DekId, Dek> deks) {
            List<Future<Void>> done = new ArrayList<>();
            int i = 0;
            while (i < entries.size()) {
                ReplicationWire.Entry first = entries.get(i);
                boolean empty = first.slot() == null;
                int end = i + 1;
                while (end < entries.size()
                        && entries.get(end).block() == entries.get(end - 1).block() + 1
                        && (entries.get(end).slot() == null) == empty) {
                    end++;
                }
                int count = end - i;
                if (empty) {
                    done.add(volumes.trimReplicated(name, first.block(), count));
                } else {
                    Buffer run = Buffer.buffer();
                    for (int k = i; k < end; k++) {
                        run.appendBuffer(entries.get(k).slot());
                    }
                    done.add(volumes.writeReplicated(name, c.volumeId(), deks::get, first.block(), count, run));
                }
                i = end;
            }
            return Future.all(done).mapEmpty();
        }

        ReplicaInfo info() {
            Instant at = appliedAt;
            Double lag = at == null
                    ? null
                    : Math.max(0, Duration.between(at, clock.instant()).toMillis()) / 1000.0;
            return new ReplicaInfo(
                    name,
                    primaryUrl,
                    primaryVolume,
                    state,
                    applied,
                    at,
                    lag,
                    lastError,
                    cycles.get(),
                    blocks.get(),
                    bytes.get());
        }

        @Override
        public String toString() {
            return "Replica[" + name + " of " + primaryVolume + " at " + primaryUrl + "]";
        }
    }
}
