package io.strongroom.core.volume;

import io.strongroom.core.store.MetadataStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a service's volumes in step with a store that other gateways write too ({@link MetadataStore#shared()};
 * docs/SCALE-OUT.md, "Volumes across gateways"). A refresh lists the store's volumes and reads every document:
 * volumes created elsewhere are opened here (DEKs unwrapped before they are served), volumes deleted elsewhere are
 * dropped (their DEKs destroyed), and the documents of the others are taken in ({@link DocumentAdopter}: keys
 * another gateway changed). It runs every {@link VolumeServiceOptions#getRefreshInterval()}, and early when a
 * request names a volume this gateway does not know (at most once per {@link #MISS_INTERVAL_NANOS}, so a client
 * asking for names that do not exist cannot make the gateway list the pool on every request). Only one refresh runs
 * at a time; a caller arriving meanwhile waits for it.
 */
final class VolumeRefresh {
    private static final System.Logger LOG = System.getLogger(VolumeRefresh.class.getName());
    static final long MISS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Vertx vertx;
    private final MetadataStore metadataStore;
    private final VolumeLifecycle lifecycle;
    private final VolumeSnapshots snapshots;
    private final ConcurrentHashMap<String, Volume> volumes;
    private final Map<Volume, Future<Void>> reloads = new ConcurrentHashMap<>();
    private Future<Void> running; // guarded by this
    private long lastMissRefresh; // guarded by this; System.nanoTime() of the last refresh a miss started
    private long timer = -1;

    VolumeRefresh(
            Vertx vertx,
            MetadataStore metadataStore,
            VolumeLifecycle lifecycle,
            VolumeSnapshots snapshots,
            ConcurrentHashMap<String, Volume> volumes) {
        this.vertx = vertx;
        this.metadataStore = metadataStore;
        this.lifecycle = lifecycle;
        this.snapshots = snapshots;
        this.volumes = volumes;
    }

    void start(long intervalMillis) {
        timer = vertx.setPeriodic(intervalMillis, t -> refresh());
    }

    void stop() {
        vertx.cancelTimer(timer);
    }

    /**
     * For a request naming a volume this gateway does not know: completes after a refresh (the one running, or a new
     * one unless one started less than {@link #MISS_INTERVAL_NANOS} ago), never failing; the caller looks again.
     */
    Future<Void> afterMiss() {
        synchronized (this) {
            if (running == null) {
                long now = System.nanoTime();
                if (lastMissRefresh != 0 && now - lastMissRefresh < MISS_INTERVAL_NANOS) {
                    return Future.succeededFuture();
                }
                lastMissRefresh = now;
            }
        }
        return refresh().otherwiseEmpty();
    }

    /** Re-reads the document of {@code v} and takes it in (one read shared by concurrent callers), never failing. */
    Future<Void> reload(Volume v) {
        Promise<Void> done = Promise.promise();
        Future<Void> other = reloads.putIfAbsent(v, done.future());
        if (other != null) {
            return other;
        }
        long changesBefore = v.keyStateChanges();
        metadataStore
                .read(v.id())
                .compose(document -> document.isEmpty()
                        ? drop(v)
                        : lifecycle.adopter().adopt(v, VolumeMetadataCodec.decode(document.get()), changesBefore))
                .onFailure(e ->
                        LOG.log(Level.WARNING, "volume {0}: cannot re-read its document: {1}", v.name(), e.toString()))
                .onComplete(ar -> {
                    reloads.remove(v);
                    done.complete();
                });
        return done.future();
    }

    /** Lists the store's volumes and brings this gateway's in step; fails only if the listing does. */
    Future<Void> refresh() {
        Promise<Void> done = Promise.promise();
        synchronized (this) {
            if (running != null) {
                return running;
            }
            running = done.future();
        }
        Map<UUID, Volume> known = new HashMap<>();
        volumes.values().forEach(v -> known.put(v.id(), v));
        metadataStore
                .listVolumes()
                .compose(ids -> {
                    List<Future<Void>> steps = new ArrayList<>();
                    Set<UUID> listed = new HashSet<>(ids);
                    for (UUID id : ids) {
                        Volume v = known.get(id);
                        if (v != null) {
                            steps.add(reload(v));
                        } else if (!lifecycle.deletedHere(id)) {
                            steps.add(open(id));
                        }
                    }
                    known.values().stream()
                            .filter(v -> !listed.contains(v.id()))
                            .forEach(v -> steps.add(dropIfGone(v)));
                    return Future.join(steps).<Void>mapEmpty();
                })
                .onComplete(ar -> {
                    if (ar.failed()) {
                        LOG.log(
                                Level.WARNING,
                                "cannot list the volumes of the store: {0}",
                                ar.cause().toString());
                    }
                    synchronized (this) {
                        running = null;
                    }
                    done.handle(ar);
                });
        return done.future();
    }

    /** Opens volume {@code id}, which another gateway created: reads its document, unwraps its DEKs, serves it. */
    private Future<Void> open(UUID id) {
        return metadataStore
                .read(id)
                .map(document -> document.flatMap(json -> lifecycle.decode(id, json)))
                .compose(found -> found.isEmpty() ? Future.succeededFuture() : serve(found.get()))
                .recover(e -> {
                    LOG.log(Level.WARNING, "cannot open volume {0}, created elsewhere: {1}", id, e.toString());
                    return Future.succeededFuture();
                });
    }

    private Future<Void> serve(Volume v) {
        if (lifecycle.creating(v.name())) {
            return Future.succeededFuture(); // this gateway's own create, registered when it completes
        }
        List<Future<?>> unwraps = new ArrayList<>();
        VolumeKeyring keyring = v.keyring();
        keyring.deks().forEach(d -> unwraps.add(lifecycle.unwrap(v, keyring, d)));
        return snapshots.load(List.of(v)).compose(x -> Future.join(unwraps)).transform(unwrapped -> {
            if (lifecycle.deletedHere(v.id())) {
                keyring.deks().forEach(d -> lifecycle.forget(d.id()));
                return Future.succeededFuture();
            }
            Volume other = register(volumes, v);
            if (other == null) {
                LOG.log(
                        Level.INFO,
                        "volume {0} ({1}), created by another gateway, is served here too{2}",
                        v.name(),
                        v.id(),
                        unwrapped.failed() ? "; its DEKs are not unwrapped yet: " + unwrapped.cause() : "");
            } else if (!other.id().equals(v.id())) {
                keyring.deks().forEach(d -> lifecycle.forget(d.id()));
            }
            return Future.succeededFuture();
        });
    }

    /**
     * Serves {@code v} under its name unless a volume is served under it already: the one before (two volumes sharing
     * a name are logged at ERROR, the first found is served), or null if {@code v} is served now.
     */
    static @Nullable Volume register(Map<String, Volume> volumes, Volume v) {
        Volume other = volumes.putIfAbsent(v.name(), v);
        if (other != null && !other.id().equals(v.id())) {
            LOG.log(
                    Level.ERROR,
                    "volumes {0} and {1} share the name {2}; serving only the first",
                    other.id(),
                    v.id(),
                    v.name());
        }
        return other;
    }

    /** Drops {@code v} if its document is gone: another gateway deleted it. */
    private Future<Void> dropIfGone(Volume v) {
        return metadataStore.read(v.id()).compose(document -> document.isEmpty() ? drop(v) : Future.succeededFuture());
    }

    /** Stops serving {@code v}, whose document is gone (another gateway deleted it), and destroys its DEKs. */
    private Future<Void> drop(Volume v) {
        if (volumes.remove(v.name(), v)) {
            v.markDeleted();
            v.keyring().deks().forEach(d -> lifecycle.forget(d.id()));
            LOG.log(Level.INFO, "volume {0} ({1}) was deleted by another gateway", v.name(), v.id());
        }
        return Future.succeededFuture();
    }
}
