package io.strongroom.core.volume;

import io.netty.buffer.ByteBuf;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.KeyVaults;
import io.strongroom.core.store.BlockStore;
import io.strongroom.crypto.BlockAddress;
import io.strongroom.crypto.BlockSealer;
import io.strongroom.crypto.Dek;
import io.strongroom.crypto.DekId;
import io.strongroom.crypto.SealedBlockLayout;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The background pass after a DEK rollover: scans the volume from block 0 up, re-seals every block still under an
 * older DEK with the active one, then drops the older DEKs from the metadata and destroys them.
 *
 * <p>One run of {@link VolumeServiceOptions#getResealBatchBlocks()} blocks at a time, paced to
 * {@link VolumeServiceOptions#getResealBlocksPerSecond()} scanned blocks per second. Each run is claimed in the
 * volume's {@link ResealGate} first (client writes to it wait; the ones in flight finish before the read), so a
 * client's write is never overwritten with the older content. Re-sealed blocks are written back with the run's
 * other slots unchanged, in one store write. Progress is kept in memory and checkpointed in the metadata at most
 * every {@link VolumeServiceOptions#getResealCheckpointInterval()}; after a crash the pass resumes from the last
 * checkpoint and rescans a little (blocks already under the active DEK are left alone). The seals it makes are
 * claimed from the active DEK's budget like any write's. The pass runs on an event loop (its timers keep it on the
 * one it starts on), like every seal and open ({@link EventLoops}).
 */
final class ResealPass {
    private static final System.Logger LOG = System.getLogger(ResealPass.class.getName());
    private static final long RETRY_MILLIS = 1000;

    private final Vertx vertx;
    private final EventLoops loops;
    private final BlockStore store;
    private final BlockSealer sealer;
    private final KeyVaults keys;
    private final VolumeServiceOptions options;
    private final KeyEvents events;
    private final BooleanSupplier closed;
    private final Set<Volume> running = ConcurrentHashMap.newKeySet();

    ResealPass(
            Vertx vertx,
            EventLoops loops,
            BlockStore store,
            BlockSealer sealer,
            KeyVaults keys,
            VolumeServiceOptions options,
            KeyEvents events,
            BooleanSupplier closed) {
        this.vertx = vertx;
        this.loops = loops;
        this.store = store;
        this.sealer = sealer;
        this.keys = keys;
        this.options = options;
        this.events = events;
        this.closed = closed;
    }

    /** Starts the pass of {@code v} on an event loop unless it has none to do or it is running already. */
    void start(Volume v) {
        if (v.reseal() == null || !running.add(v)) {
            return;
        }
        loops.execute(() -> step(v, System.nanoTime()));
    }

    boolean isRunning(Volume v) {
        return running.contains(v);
    }

    private void step(Volume v, long lastCheckpointNanos) {
        if (closed.getAsBoolean() || v.isDeleted()) {
            running.remove(v);
            return;
        }
        ResealProgress progress = v.reseal();
        if (progress.cursor() >= v.blockCount()) {
            finish(v, progress);
            return;
        }
        int n = (int) Math.min(options.getResealBatchBlocks(), v.blockCount() - progress.cursor());
        long first = progress.cursor();
        long started = System.nanoTime();
        v.resealGate.claim(first, n);
        whenWritesDrained(v)
                .compose(x -> resealRun(v, first, n))
                .andThen(x -> v.resealGate.release())
                .onComplete(ar -> {
                    if (ar.failed()) {
                        if (StrongroomException.codeOf(ar.cause()) == ErrorCode.VolumeLeasedElsewhere) {
                            // Another gateway writes the volume: the pass runs there (its key watch resumes it).
                            LOG.log(
                                    Level.INFO,
                                    "volume {0}: re-seal left to the gateway that writes the volume now: {1}",
                                    v.name(),
                                    ar.cause().getMessage());
                            running.remove(v);
                            return;
                        }
                        if (keyProblem(ar.cause())) {
                            // The DEKs are not in memory (key unavailable or inaccessible): pause; the key watch
                            // restarts the pass.
                            LOG.log(
                                    Level.WARNING,
                                    "volume {0}: re-seal paused at block {1} until its DEKs are back: {2}",
                                    v.name(),
                                    String.valueOf(first),
                                    ar.cause().getMessage());
                            running.remove(v);
                            return;
                        }
                        LOG.log(
                                Level.WARNING,
                                "volume {0}: re-seal of blocks {1}..{2} failed, retrying in {3} ms: {4}",
                                v.name(),
                                String.valueOf(first),
                                String.valueOf(first + n - 1),
                                String.valueOf(RETRY_MILLIS),
                                ar.cause().toString());
                        vertx.setTimer(RETRY_MILLIS, t -> step(v, lastCheckpointNanos));
                        return;
                    }
                    v.advanceReseal(progress.advance(n, ar.result()));
                    long now = System.nanoTime();
                    long checkpoint = lastCheckpointNanos;
                    if (now - lastCheckpointNanos
                            >= options.getResealCheckpointInterval().toNanos()) {
                        v.persistMetadata(); // carries the progress; a failed checkpoint only means rescanning
                        // more after a crash
                        checkpoint = now;
                    }
                    long budgetNanos = n * 1_000_000_000L / options.getResealBlocksPerSecond();
                    long waitMillis = Math.max(0, (budgetNanos - (now - started)) / 1_000_000);
                    long nextCheckpoint = checkpoint;
                    if (waitMillis == 0) {
                        vertx.runOnContext(x -> step(v, nextCheckpoint));
                    } else {
                        vertx.setTimer(waitMillis, t -> step(v, nextCheckpoint));
                    }
                });
    }

    private static boolean keyProblem(Throwable failure) {
        ErrorCode code = StrongroomException.codeOf(failure);
        return code == ErrorCode.KeyUnavailable || code == ErrorCode.KeyInaccessible;
    }

    /** Completes once no client write counted in on the claimed run is in flight (they are short: a few ms). */
    private Future<Void> whenWritesDrained(Volume v) {
        if (!v.resealGate.writesInFlightOnClaim()) {
            return Future.succeededFuture();
        }
        Promise<Void> drained = Promise.promise();
        vertx.setPeriodic(1, id -> {
            if (!v.resealGate.writesInFlightOnClaim()) {
                vertx.cancelTimer(id);
                drained.tryComplete();
            }
        });
        return drained.future();
    }

    /**
     * Re-seals the blocks of the run still under an older DEK; the number re-sealed. As the volume's writer only
     * (VolumeLeasedElsewhere while another gateway is), and the run is written back only if this gateway stayed the
     * writer since it read it: a block another gateway wrote in between is never put back to its older content.
     */
    private Future<Long> resealRun(Volume v, long first, int n) {
        return v.asWriter()
                .recover(e -> Future.failedFuture(VolumeErrors.fromStore(v.name(), e)))
                .compose(writer -> resealAsWriter(v, first, n, store.cacheEpoch(v.id())));
    }

    private Future<Long> resealAsWriter(Volume v, long first, int n, long writerEpoch) {
        VolumeKeyring keyring = v.keyring();
        VolumeKeyring.VolumeDek active = keyring.active();
        return store.read(v.id(), first, n).compose(slots -> {
            List<Integer> stale = staleSlots(slots, n, v.blockSize(), active.id());
            if (stale.isEmpty()) {
                return Future.succeededFuture(0L);
            }
            Dek activeDek = keys.dekCache().get(active.id());
            if (activeDek == null) {
                return Future.failedFuture(VolumeErrors.keyUnavailable(v, "the active DEK is not in memory"));
            }
            return v.claimSeals(active, stale.size()).compose(claimed -> {
                if (store.cacheEpoch(v.id()) != writerEpoch) {
                    return Future.failedFuture(new StrongroomException(
                            ErrorCode.StorageUnavailable,
                            "volume " + v.name() + " changed writer during a re-seal batch"));
                }
                // the store may hand out a read-only view of its cache (and Buffer.copy() returns a read-only buffer
                // itself)
                Buffer own = Buffer.buffer(slots.getBytes());
                resealInPlace(v, keyring, first, own, stale, activeDek);
                return store.write(v.id(), first, own).map((long) stale.size());
            });
        });
    }

    private static List<Integer> staleSlots(Buffer slots, int n, int blockSize, DekId active) {
        int slotSize = BlockSealer.sealedSize(blockSize);
        ByteBuf buf = ((BufferInternal) slots).getByteBuf();
        List<Integer> stale = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ByteBuffer slot = buf.nioBuffer(buf.readerIndex() + i * slotSize, slotSize);
            if (!SealedBlockLayout.isAllZero(slot)
                    && !SealedBlockLayout.dekIdOf(slot).equals(active)) {
                stale.add(i);
            }
        }
        return stale;
    }

    /** Opens each stale slot with its DEK and seals it again with the active one, in the same buffer. */
    private void resealInPlace(
            Volume v, VolumeKeyring keyring, long first, Buffer slots, List<Integer> stale, Dek activeDek) {
        int slotSize = BlockSealer.sealedSize(v.blockSize());
        ByteBuf buf = ((BufferInternal) slots).getByteBuf();
        EventLoops.requireEventLoop();
        byte[] plain = new byte[v.blockSize()];
        try {
            for (int i : stale) {
                ByteBuffer slot = buf.nioBuffer(buf.readerIndex() + i * slotSize, slotSize);
                DekId id = SealedBlockLayout.dekIdOf(slot);
                BlockAddress at = new BlockAddress(v.id(), first + i);
                Dek old = keyring.dek(id) == null ? null : keys.dekCache().get(id);
                if (old == null) {
                    throw VolumeErrors.keyUnavailable(
                            v, "DEK " + id + " of block " + (first + i) + " is not in memory");
                }
                sealer.open(old, at, slot, ByteBuffer.wrap(plain));
                sealer.seal(
                        activeDek,
                        at,
                        ByteBuffer.wrap(plain),
                        buf.nioBuffer(buf.readerIndex() + i * slotSize, slotSize));
            }
        } finally {
            Arrays.fill(plain, (byte) 0); // plaintext of client data: not left in a stray array
        }
    }

    /**
     * Every block is under the active DEK: one metadata write ends the pass, and drops the older DEKs unless the
     * volume has snapshots, whose preserved blocks may still be sealed under them (they are dropped with the last
     * snapshot: {@link #dropOlderDeks}).
     */
    private void finish(Volume v, ResealProgress progress) {
        v.serialKeyChange(() -> {
                    if (v.snapshotCount() > 0) {
                        VolumeKeyring current = v.keyring();
                        return v.commit(current, current, v.autoFollow(), null).map(drained -> {
                            LOG.log(
                                    Level.INFO,
                                    "volume {0}: re-seal done, {1} blocks scanned, {2} re-sealed; older DEKs kept for"
                                            + " its {3} snapshot(s)",
                                    v.name(),
                                    String.valueOf(progress.scanned()),
                                    String.valueOf(progress.resealed()),
                                    String.valueOf(v.snapshotCount()));
                            events.reseal(v, progress, "[]");
                            return List.<DekId>of();
                        });
                    }
                    return dropOlderDeks(v, keys).map(retired -> {
                        LOG.log(
                                Level.INFO,
                                "volume {0}: re-seal done, {1} blocks scanned, {2} re-sealed; DEKs {3} destroyed",
                                v.name(),
                                String.valueOf(progress.scanned()),
                                String.valueOf(progress.resealed()),
                                retired);
                        events.reseal(v, progress, retired.toString());
                        return retired;
                    });
                })
                .onComplete(ar -> {
                    running.remove(v);
                    if (ar.failed()) {
                        LOG.log(
                                Level.WARNING,
                                "volume {0}: could not drop the old DEKs after the re-seal, retrying: {1}",
                                v.name(),
                                ar.cause().toString());
                        vertx.setTimer(RETRY_MILLIS, t -> start(v));
                    }
                });
    }

    /**
     * One metadata write keeps only the active DEK (and no re-seal progress); the older ones are destroyed once no
     * request that saw them is left. For a volume whose blocks are all under the active DEK and that has no snapshot
     * needing an older one: at the end of a re-seal pass, or when its last snapshot is deleted. Run it as a key
     * change of the volume ({@link Volume#serialKeyChange}).
     */
    static Future<List<DekId>> dropOlderDeks(Volume v, KeyVaults keys) {
        VolumeKeyring current = v.keyring();
        List<DekId> retired = new ArrayList<>();
        current.deks().stream().filter(d -> d != current.active()).forEach(d -> retired.add(d.id()));
        return v.commit(current, current.onlyActive(), v.autoFollow(), null).map(drained -> {
            drained.onComplete(x -> retired.forEach(id -> keys.dekCache().destroy(id)));
            return retired;
        });
    }
}
