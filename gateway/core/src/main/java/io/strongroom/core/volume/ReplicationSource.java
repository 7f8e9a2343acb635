package io.strongroom.core.volume;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.DekCache;
import io.strongroom.core.store.BlockStore;
import io.strongroom.crypto.BlockSealer;
import io.strongroom.crypto.Dek;
import io.strongroom.crypto.KeyWrapAlgorithm;
import io.strongroom.crypto.RsaKeyWrap;
import io.strongroom.crypto.SealedBlockLayout;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The primary's side of replication (docs/REPLICAS.md). Stateless between requests: a replica's stream is the set of
 * snapshots named {@code repl-<stream>-<millis>} on the volume; each cycle keeps the base the replica last applied
 * and the cycle's own snapshot, and deletes every other snapshot of the stream. Only sealed slot images leave, and
 * the DEKs only wrapped under the public key the replica sent for the cycle.
 */
final class ReplicationSource {
    static final String PREFIX = "repl-";
    /** The most blocks one page holds. */
    static final int MAX_PAGE_BLOCKS = 512;

    private final BlockStore store;
    private final VolumeSnapshots snapshots;
    private final DekCache dekCache;
    private final Clock clock;
    private final Consumer<Volume> requireKeys;

    ReplicationSource(
            BlockStore store, VolumeSnapshots snapshots, DekCache dekCache, Clock clock, Consumer<Volume> requireKeys) {
        this.store = store;
        this.snapshots = snapshots;
        this.dekCache = dekCache;
        this.clock = clock;
        this.requireKeys = requireKeys;
    }

    /**
     * Starts a cycle of {@code stream}: deletes the stream's snapshots other than {@code base}, takes the cycle's
     * snapshot and wraps the volume's DEKs under {@code recipient}. {@code fresh}: the replica's volume is new.
     */
    Future<ReplicationCycle> start(
            Volume v, String stream, @Nullable String base, boolean fresh, RSAPublicKey recipient) {
        String prefix;
        try {
            prefix = streamPrefix(stream);
            if (recipient.getModulus().bitLength() < 2048) {
                throw new StrongroomException(ErrorCode.InvalidArgument, "the replica's public key is under 2048 bits");
            }
            requireKeys.accept(v);
        } catch (StrongroomException e) {
            return Future.failedFuture(e);
        }
        return snapshots.list(v).compose(all -> {
            List<Future<Void>> dropped = new ArrayList<>();
            boolean baseFound = false;
            for (SnapshotInfo s : all) {
                if (s.name().startsWith(prefix)) {
                    if (s.name().equals(base)) {
                        baseFound = true;
                    } else {
                        dropped.add(snapshots.delete(v, s.name()));
                    }
                }
            }
            ReplicationCycle.Mode mode = baseFound
                    ? ReplicationCycle.Mode.INCREMENTAL
                    : fresh ? ReplicationCycle.Mode.FRESH : ReplicationCycle.Mode.FULL;
            return Future.all(dropped)
                    .compose(x -> snapshots.create(v, prefix + clock.millis()))
                    .map(taken -> new ReplicationCycle(
                            taken.name(),
                            taken.createdAt(),
                            mode,
                            v.id(),
                            v.blockSize(),
                            v.blockCount(),
                            wrapDeks(v, recipient)));
        });
    }

    private List<ReplicationCycle.ShippedDek> wrapDeks(Volume v, RSAPublicKey recipient) {
        List<ReplicationCycle.ShippedDek> shipped = new ArrayList<>();
        for (VolumeKeyring.VolumeDek d : v.keyring().deks()) {
            Dek dek = dekCache.get(d.id());
            if (dek == null) {
                throw VolumeErrors.keyUnavailable(v, "its DEK is not in memory");
            }
            byte[] key = dek.insecureKeyBytesForWrapping();
            try {
                shipped.add(new ReplicationCycle.ShippedDek(
                        d.id().toString(), RsaKeyWrap.wrap(KeyWrapAlgorithm.RSA_OAEP_256, recipient, key)));
            } finally {
                Arrays.fill(key, (byte) 0);
            }
        }
        return shipped;
    }

    /**
     * One page of cycle {@code cycle}: up to {@code max} blocks from {@code from} on, as they are in the cycle's
     * snapshot ({@link ReplicationWire}). {@code base} names the base snapshot for an INCREMENTAL cycle.
     */
    Future<Buffer> page(
            Volume v,
            String stream,
            String cycle,
            ReplicationCycle.Mode mode,
            @Nullable String base,
            long from,
            int max) {
        try {
            String prefix = streamPrefix(stream);
            if (!cycle.startsWith(prefix) || (base != null && !base.startsWith(prefix))) {
                throw new StrongroomException(
                        ErrorCode.InvalidArgument, "the cycle and its base must be snapshots of the stream");
            }
            if (mode == ReplicationCycle.Mode.INCREMENTAL && base == null) {
                throw new StrongroomException(ErrorCode.InvalidArgument, "an incremental page needs its base");
            }
            if (from < 0 || from > v.blockCount() || max < 1 || max > MAX_PAGE_BLOCKS) {
                throw new StrongroomException(
                        ErrorCode.InvalidArgument,
                        "from must be in [0, " + v.blockCount() + "] and max in [1, " + MAX_PAGE_BLOCKS + "]");
            }
            requireKeys.accept(v);
        } catch (StrongroomException e) {
            return Future.failedFuture(e);
        }
        int slotSize = BlockSealer.sealedSize(v.blockSize());
        if (mode != ReplicationCycle.Mode.INCREMENTAL) {
            int count = (int) Math.min(max, v.blockCount() - from);
            long end = from + count;
            Buffer page = ReplicationWire.header(end < v.blockCount() ? end : -1);
            if (count == 0) {
                return Future.succeededFuture(page);
            }
            return snapshots.read(v, cycle, from, count).map(slots -> {
                for (int i = 0; i < count; i++) {
                    boolean empty = isEmpty(slots, i, slotSize);
                    if (!empty || mode == ReplicationCycle.Mode.FULL) {
                        ReplicationWire.append(page, from + i, slots, i, slotSize, empty);
                    }
                }
                return page;
            });
        }
        return snapshots
                .get(v, base)
                .compose(b -> store.preservedBlocks(v.id(), b.id(), from, max)
                        .recover(e -> Future.failedFuture(VolumeErrors.fromStore(v.name(), e))))
                .compose(blocks -> {
                    Buffer page = ReplicationWire.header(blocks.length < max ? -1 : blocks[blocks.length - 1] + 1);
                    return appendRuns(v, cycle, blocks, 0, page, slotSize);
                });
    }

    /** Appends the images of {@code blocks[at..]}, reading each run of consecutive blocks at once. */
    private Future<Buffer> appendRuns(Volume v, String cycle, long[] blocks, int at, Buffer page, int slotSize) {
        if (at == blocks.length) {
            return Future.succeededFuture(page);
        }
        int end = at + 1;
        while (end < blocks.length && blocks[end] == blocks[end - 1] + 1) {
            end++;
        }
        int count = end - at;
        int next = end;
        return snapshots.read(v, cycle, blocks[at], count).compose(slots -> {
            for (int i = 0; i < count; i++) {
                ReplicationWire.append(page, blocks[at] + i, slots, i, slotSize, isEmpty(slots, i, slotSize));
            }
            return appendRuns(v, cycle, blocks, next, page, slotSize);
        });
    }

    /** Deletes every snapshot of {@code stream}: the replica was deleted or promoted. */
    Future<Void> release(Volume v, String stream) {
        String prefix;
        try {
            prefix = streamPrefix(stream);
        } catch (StrongroomException e) {
            return Future.failedFuture(e);
        }
        return snapshots
                .list(v)
                .compose(all -> Future.all(all.stream()
                                .filter(s -> s.name().startsWith(prefix))
                                .map(s -> snapshots.delete(v, s.name()))
                                .toList())
                        .mapEmpty());
    }

    private static boolean isEmpty(Buffer slots, int index, int slotSize) {
        return SealedBlockLayout.isAllZero(((BufferInternal) slots).getByteBuf().nioBuffer(index * slotSize, slotSize));
    }

    private static String streamPrefix(String stream) {
        try {
            return PREFIX + UUID.fromString(stream) + "-";
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new StrongroomException(ErrorCode.InvalidArgument, "a replication stream is a UUID");
        }
    }
}
