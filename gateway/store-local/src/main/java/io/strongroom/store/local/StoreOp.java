package io.strongroom.store.local;

import io.strongroom.core.store.StoreSnapshot;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One queued mutation of a volume, waiting for its group commit; completed on the caller's context. */
final class StoreOp {

    enum Kind {
        WRITE,
        TRIM,
        FLUSH,
        /** Checkpoint and close the volume's files (store close). */
        CLOSE,
        /** Close the volume's files without syncing and delete them (volume deletion). */
        DELETE,
        /** Checkpoint, then take a snapshot ({@link #snapshot}); always a batch of its own. */
        SNAPSHOT,
        /** Delete snapshot {@link #snapshotId}; always a batch of its own. */
        DELETE_SNAPSHOT
    }

    final Kind kind;
    final long firstBlock;
    final long blockCount;
    final Buffer payload;
    /** A write to be acknowledged only once durable, whatever the store's durability. */
    final boolean fua;

    /** The snapshot a SNAPSHOT operation takes. */
    final StoreSnapshot snapshot;
    /** The snapshot a DELETE_SNAPSHOT operation deletes. */
    final UUID snapshotId;

    final Promise<Void> promise = Promise.promise();
    private final Context context;

    StoreOp(Kind kind, long firstBlock, long blockCount, Buffer payload, boolean fua, Context context) {
        this(kind, firstBlock, blockCount, payload, fua, null, null, context);
    }

    private StoreOp(
            Kind kind,
            long firstBlock,
            long blockCount,
            Buffer payload,
            boolean fua,
            StoreSnapshot snapshot,
            UUID snapshotId,
            Context context) {
        this.kind = kind;
        this.firstBlock = firstBlock;
        this.blockCount = blockCount;
        this.payload = payload;
        this.fua = fua;
        this.snapshot = snapshot;
        this.snapshotId = snapshotId;
        this.context = context;
    }

    static StoreOp takeSnapshot(StoreSnapshot snapshot, Context context) {
        return new StoreOp(Kind.SNAPSHOT, 0, 0, null, false, snapshot, snapshot.id(), context);
    }

    static StoreOp deleteSnapshot(UUID snapshotId, Context context) {
        return new StoreOp(Kind.DELETE_SNAPSHOT, 0, 0, null, false, null, snapshotId, context);
    }

    /** Whether this operation is a batch of its own. */
    boolean alone() {
        return kind == Kind.SNAPSHOT || kind == Kind.DELETE_SNAPSHOT;
    }

    /** Bytes this operation appends to the journal. */
    int journalBytes() {
        return switch (kind) {
            case WRITE -> JournalRecordDescriptor.HEADER_LENGTH + payload.length();
            case TRIM -> JournalRecordDescriptor.HEADER_LENGTH;
            default -> 0;
        };
    }

    /** Whether this operation changes slots (what a full file system refuses). */
    boolean changesSlots() {
        return kind == Kind.WRITE || kind == Kind.TRIM;
    }

    /** Whether this operation counts against the store's pending-write bound. */
    boolean counted() {
        return kind == Kind.WRITE || kind == Kind.TRIM || kind == Kind.FLUSH;
    }

    /**
     * Completes a batch of operations, with one hop per caller context rather than one per operation: a group
     * commit often acknowledges many requests of the same event loop.
     */
    static void completeAll(List<StoreOp> ops, Throwable failure) {
        Map<Context, List<StoreOp>> byContext = new IdentityHashMap<>();
        for (StoreOp op : ops) {
            byContext.computeIfAbsent(op.context, c -> new ArrayList<>()).add(op);
        }
        byContext.forEach((context, group) -> context.runOnContext(v -> {
            for (StoreOp op : group) {
                if (failure == null) {
                    op.promise.tryComplete();
                } else {
                    op.promise.tryFail(failure);
                }
            }
        }));
    }
}
