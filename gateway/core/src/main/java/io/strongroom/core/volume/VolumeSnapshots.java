package io.strongroom.core.volume;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.KeyVaults;
import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.StoreSnapshot;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

/**
 * The snapshots of the service's volumes, kept by the store (id, name, creation time, slots). Taking and deleting
 * one run as key changes of the volume ({@link Volume#serialKeyChange}), so they are ordered with DEK rollovers and
 * with the volume's deletion. A snapshot's blocks may be sealed under DEKs the volume has rolled away from: the
 * volume keeps its older DEKs while it has snapshots ({@link ResealPass}), and deleting the last snapshot drops
 * them once no re-seal pass needs them. A volume with snapshots is not deleted (VolumeHasSnapshots): a snapshot is
 * often the copy kept against mistakes.
 */
final class VolumeSnapshots {
    private static final System.Logger LOG = System.getLogger(VolumeSnapshots.class.getName());

    /** Blocks a revert asks the store for at a time, and the longest run it reads and writes in one call. */
    private static final int REVERT_PAGE_BLOCKS = 1024;

    private static final int REVERT_RUN_BLOCKS = 32;

    private final BlockStore store;
    private final KeyVaults keys;
    private final Clock clock;

    VolumeSnapshots(BlockStore store, KeyVaults keys) {
        this.store = store;
        this.keys = keys;
        this.clock = keys.clock();
    }

    /** Notes how many snapshots each volume has, at start-up; a backend without snapshots has none. */
    Future<Void> load(Collection<Volume> volumes) {
        List<Future<?>> counted = new ArrayList<>();
        for (Volume v : volumes) {
            counted.add(store.snapshots(v.id())
                    .onSuccess(list -> v.snapshotCount(list.size()))
                    .recover(e -> {
                        if (!unsupported(e)) {
                            LOG.log(Level.WARNING, "cannot list the snapshots of volume {0}: {1}", v.name(), e);
                        }
                        return Future.succeededFuture();
                    }));
        }
        return Future.join(counted).mapEmpty();
    }

    Future<SnapshotInfo> create(Volume v, String name) {
        if (!validName(name)) {
            return Future.failedFuture(badName());
        }
        StoreSnapshot snapshot = new StoreSnapshot(UUID.randomUUID(), name, clock.instant());
        return v.serialKeyChange(() -> {
            if (v.isDeleted()) {
                return Future.failedFuture(VolumeErrors.notFound(v.name()));
            }
            return store.createSnapshot(v.id(), snapshot)
                    .recover(e -> Future.failedFuture(fromStore(v, name, e)))
                    .map(x -> {
                        v.snapshotCount(v.snapshotCount() + 1);
                        LOG.log(Level.INFO, "volume {0}: snapshot {1} taken ({2})", v.name(), name, snapshot.id());
                        return info(v, snapshot);
                    });
        });
    }

    Future<List<SnapshotInfo>> list(Volume v) {
        return store.snapshots(v.id())
                .recover(e -> Future.failedFuture(fromStore(v, null, e)))
                .map(all -> all.stream().map(s -> info(v, s)).toList());
    }

    Future<SnapshotInfo> get(Volume v, String name) {
        return find(v, name).map(s -> info(v, s));
    }

    /** The slots of blocks {@code [first, first + count)} of snapshot {@code name}, sealed as the store keeps them. */
    Future<Buffer> read(Volume v, String name, long first, int count) {
        return find(v, name)
                .compose(s -> store.readSnapshot(v.id(), s.id(), first, count)
                        .recover(e -> Future.failedFuture(fromStore(v, name, e))));
    }

    /**
     * Deletes a snapshot; SnapshotInUse while a clone is being made from it. The last one takes the volume's older
     * DEKs with it, unless a re-seal pass still runs (its end drops them).
     */
    Future<Void> delete(Volume v, String name) {
        return v.serialKeyChange(() -> find(v, name)
                .compose(s -> v.isCloneSource(s.id())
                        ? Future.failedFuture(new StrongroomException(
                                ErrorCode.SnapshotInUse,
                                "a clone is being made from snapshot " + name + " of volume " + v.name()
                                        + "; it can be deleted once the copy is over"))
                        : Future.succeededFuture(s))
                .compose(s -> store.deleteSnapshot(v.id(), s.id())
                        .recover(e -> Future.failedFuture(fromStore(v, name, e)))
                        .onSuccess(x -> {
                            v.snapshotCount(v.snapshotCount() - 1);
                            LOG.log(Level.INFO, "volume {0}: snapshot {1} deleted ({2})", v.name(), name, s.id());
                        }))
                .compose(x -> v.snapshotCount() == 0
                                && v.reseal() == null
                                && v.keyring().deks().size() > 1
                        ? ResealPass.dropOlderDeks(v, keys)
                                .onSuccess(dropped -> LOG.log(
                                        Level.INFO,
                                        "volume {0}: its last snapshot deleted; older DEKs {1} destroyed",
                                        v.name(),
                                        dropped))
                                .<Void>mapEmpty()
                        : Future.<Void>succeededFuture()));
    }

    /**
     * Puts back, as they are, the slot images of every block snapshot {@code name} has preserved (the blocks changed
     * since it was taken), then flushes: the volume reads as it did when the snapshot was taken. The images are the
     * volume's own (its id, its DEKs), so nothing is opened or sealed. Running it again after an interruption gives
     * the same result. The caller keeps other writers away (a replica's volume refuses client writes).
     */
    Future<Long> revert(Volume v, String name) {
        return find(v, name)
                .compose(s -> revertFrom(v, s.id(), 0, 0))
                .compose(n -> store.flush(v.id())
                        .recover(e -> Future.failedFuture(fromStore(v, name, e)))
                        .map(n));
    }

    private Future<Long> revertFrom(Volume v, UUID snapshotId, long from, long done) {
        return store.preservedBlocks(v.id(), snapshotId, from, REVERT_PAGE_BLOCKS)
                .compose(blocks -> {
                    List<Future<Void>> writes = new ArrayList<>();
                    int i = 0;
                    while (i < blocks.length) {
                        int end = i + 1;
                        while (end < blocks.length
                                && end - i < REVERT_RUN_BLOCKS
                                && blocks[end] == blocks[end - 1] + 1) {
                            end++;
                        }
                        long first = blocks[i];
                        int count = end - i;
                        writes.add(store.readSnapshot(v.id(), snapshotId, first, count)
                                .compose(slots -> store.write(v.id(), first, Buffer.buffer(slots.getBytes()))));
                        i = end;
                    }
                    long total = done + blocks.length;
                    return Future.all(writes)
                            .compose(x -> blocks.length < REVERT_PAGE_BLOCKS
                                    ? Future.succeededFuture(total)
                                    : revertFrom(v, snapshotId, blocks[blocks.length - 1] + 1, total));
                });
    }

    /** VolumeHasSnapshots unless the volume has none (before its deletion). */
    static void requireNone(Volume v, String what) {
        if (v.snapshotCount() > 0) {
            throw new StrongroomException(
                    ErrorCode.VolumeHasSnapshots,
                    "volume " + v.name() + " has " + v.snapshotCount() + " snapshot(s); " + what
                            + " would leave them unreadable: delete them first");
        }
    }

    private static boolean validName(String name) {
        return name != null && VolumeRules.NAME.matcher(name).matches();
    }

    private static StrongroomException badName() {
        return new StrongroomException(
                ErrorCode.InvalidArgument, "a snapshot name must match [a-z0-9][a-z0-9._-]{0,62}");
    }

    /** The snapshot named {@code name}: InvalidArgument for a name no snapshot can have, SnapshotNotFound. */
    Future<StoreSnapshot> find(Volume v, String name) {
        if (!validName(name)) {
            return Future.failedFuture(badName());
        }
        return store.snapshots(v.id())
                .recover(e -> Future.failedFuture(fromStore(v, name, e)))
                .compose(all -> {
                    for (StoreSnapshot s : all) {
                        if (s.name().equals(name)) {
                            return Future.succeededFuture(s);
                        }
                    }
                    return Future.failedFuture(notFound(v, name));
                });
    }

    static StrongroomException notFound(Volume v, String name) {
        return new StrongroomException(
                ErrorCode.SnapshotNotFound, "volume " + v.name() + " has no snapshot named " + name);
    }

    private static Throwable fromStore(Volume v, String name, Throwable e) {
        if (e instanceof BlockStoreException b) {
            switch (b.reason()) {
                case UNKNOWN_SNAPSHOT:
                    return notFound(v, name);
                case SNAPSHOT_EXISTS:
                    return new StrongroomException(
                            ErrorCode.SnapshotExists, "volume " + v.name() + " has a snapshot named " + name);
                case UNKNOWN_VOLUME:
                    return VolumeErrors.notFound(v.name());
                default:
                    break;
            }
        }
        return VolumeErrors.fromStore(v.name(), e);
    }

    private static boolean unsupported(Throwable e) {
        return e instanceof BlockStoreException b && b.reason() == BlockStoreException.Reason.UNSUPPORTED;
    }

    private static SnapshotInfo info(Volume v, StoreSnapshot s) {
        return new SnapshotInfo(v.name(), s.name(), s.id(), s.created());
    }
}
