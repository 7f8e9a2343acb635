package io.strongroom.store.ceph;

import io.strongroom.core.store.BlockStoreException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A volume as this store knows it: its geometry, layout and incarnation (from its header object, docs/SCALE-OUT.md
 * "Layout in the pool"), the names of its objects, where its slots lie in them, and the writes, trims and zeroings in
 * flight on it (what a flush waits for).
 */
final class CephVolume {

    /** Where slot {@code i} of a data object lies in it: at {@code i × stride}. */
    enum Layout {
        /** Stride = slot size: volumes whose header names no layout (created before the padded layout). */
        PACKED,
        /**
         * Stride = slot size rounded up to {@value #ALIGNMENT} bytes, the gap written as zeros, so every write covers
         * whole bluestore blocks (no read-modify-write in the OSD).
         */
        PADDED
    }

    /** bluestore's allocation unit: a write of whole, aligned units of it is not read, modified and rewritten. */
    static final int ALIGNMENT = 4096;

    /** The object holding a volume's geometry (its data, JSON) and its document (omap key {@value #DOCUMENT_KEY}). */
    static final String HEADER_PREFIX = "strongroom.volume.";

    static final String DOCUMENT_KEY = "document";

    static final String DATA_PREFIX = "strongroom.data.";

    private final UUID id;
    private final int slotSize;
    private final long blockCount;
    private final int slotsPerObject;
    private final Layout layout;
    private final int stride;
    private final String incarnation;
    private final Set<Future<Void>> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean deleted;
    private volatile long leaseUntilNanos;
    private volatile long leaseEpoch;
    private Future<Void> acquisition;

    CephVolume(UUID id, int slotSize, long blockCount, int slotsPerObject, Layout layout, String incarnation) {
        this.id = id;
        this.slotSize = slotSize;
        this.blockCount = blockCount;
        this.slotsPerObject = slotsPerObject;
        this.layout = layout;
        this.stride = stride(layout, slotSize);
        this.incarnation = incarnation;
    }

    /** A new volume: as many slots per data object as fit in {@code objectBytes} (at least one). */
    static CephVolume create(
            UUID id, int slotSize, long blockCount, int objectBytes, Layout layout, String incarnation) {
        return new CephVolume(
                id, slotSize, blockCount, Math.max(1, objectBytes / stride(layout, slotSize)), layout, incarnation);
    }

    private static int stride(Layout layout, int slotSize) {
        return layout == Layout.PACKED ? slotSize : (slotSize + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    static String headerName(UUID id) {
        return HEADER_PREFIX + id;
    }

    /** The header's data: the geometry, as JSON; {@code layout} only when not packed, as headers had it before. */
    byte[] header() {
        JsonObject json = new JsonObject()
                .put("slotSize", slotSize)
                .put("blockCount", blockCount)
                .put("slotsPerObject", slotsPerObject)
                .put("incarnation", incarnation);
        if (layout != Layout.PACKED) {
            json.put("layout", layout.name().toLowerCase(Locale.ROOT));
        }
        return json.encode().getBytes(StandardCharsets.UTF_8);
    }

    static CephVolume fromHeader(UUID id, byte[] header) {
        JsonObject json = new JsonObject(new String(header, StandardCharsets.UTF_8));
        return new CephVolume(
                id,
                json.getInteger("slotSize"),
                json.getLong("blockCount"),
                json.getInteger("slotsPerObject"),
                Layout.valueOf(json.getString("layout", "packed").toUpperCase(Locale.ROOT)),
                json.getString("incarnation"));
    }

    UUID id() {
        return id;
    }

    String incarnation() {
        return incarnation;
    }

    int slotSize() {
        return slotSize;
    }

    long blockCount() {
        return blockCount;
    }

    int slotsPerObject() {
        return slotsPerObject;
    }

    Layout layout() {
        return layout;
    }

    /** Where slot {@code slotInObject} of a data object begins in it. */
    long offset(long slotInObject) {
        return slotInObject * stride;
    }

    /** The bytes a write of {@code slots} slots covers in a data object, padding included. */
    long extent(long slots) {
        return slots * stride;
    }

    /** The {@code slots} slots from byte {@code from} of {@code run} as they lie in a data object, zeros between. */
    byte[] spread(Buffer run, int from, int slots) {
        if (stride == slotSize) {
            return run.getBytes(from, from + slots * slotSize);
        }
        byte[] out = new byte[slots * stride];
        for (int s = 0; s < slots; s++) {
            run.getBytes(from + s * slotSize, from + (s + 1) * slotSize, out, s * stride);
        }
        return out;
    }

    /** An array for a read of {@code slots} slots of a data object: up to the end of the last slot. */
    byte[] readExtent(int slots) {
        return new byte[(slots - 1) * stride + slotSize];
    }

    /** Appends the {@code slots} slots read into {@code extent} ({@link #readExtent}) to {@code out}. */
    void gather(byte[] extent, int slots, Buffer out) {
        if (stride == slotSize) {
            out.appendBytes(extent);
            return;
        }
        for (int s = 0; s < slots; s++) {
            out.appendBytes(extent, s * stride, slotSize);
        }
    }

    /** Data objects the volume spans. */
    long objectCount() {
        return (blockCount + slotsPerObject - 1) / slotsPerObject;
    }

    /** The name of data object {@code index}: blocks {@code index * slotsPerObject ..} of this incarnation. */
    String dataObject(long index) {
        return DATA_PREFIX + id + "." + incarnation + "." + String.format(Locale.ROOT, "%016x", index);
    }

    String headerName() {
        return headerName(id);
    }

    boolean deleted() {
        return deleted;
    }

    /** Marks the volume as being deleted; false if it was already. */
    synchronized boolean markDeleted() {
        boolean first = !deleted;
        deleted = true;
        return first;
    }

    /** Until when (System.nanoTime) this store may write the volume under its lease; 0: no lease held. */
    void leaseUntil(long nanos) {
        leaseUntilNanos = nanos;
    }

    /** A lease taken anew (not renewed): {@code epoch}, never used before by this store, names it. */
    void leaseTaken(long epoch, long untilNanos) {
        leaseEpoch = epoch;
        leaseUntilNanos = untilNanos;
    }

    /** The epoch of the lease held ({@link io.strongroom.core.store.BlockStore#cacheEpoch}), 0 while none is. */
    long cacheEpoch() {
        return leaseHeld() ? leaseEpoch : 0;
    }

    /** Throws IO_ERROR unless the lease of {@code epoch} is still held and usable. */
    void requireLease(long epoch) {
        if (epoch == 0 || cacheEpoch() != epoch) {
            throw new BlockStoreException(
                    BlockStoreException.Reason.IO_ERROR, "the writer lease of volume " + id + " was lost");
        }
    }

    boolean leaseHeld() {
        long until = leaseUntilNanos;
        return until != 0 && System.nanoTime() - until < 0;
    }

    /** The acquisition of the lease in progress, or a new one from {@code start}: one at a time per volume. */
    synchronized Future<Void> acquiring(Supplier<Future<Void>> start) {
        if (acquisition == null || acquisition.isComplete()) {
            acquisition = start.get();
        }
        return acquisition;
    }

    /** Tracks {@code op} until it completes, so that a later flush waits for it. */
    Future<Void> track(Future<Void> op) {
        inFlight.add(op);
        op.onComplete(ar -> inFlight.remove(op));
        return op;
    }

    /** Completes (never fails) once every operation in flight now has completed. */
    Future<Void> drained() {
        return Future.join(Set.copyOf(inFlight).stream().toList()).transform(ar -> Future.succeededFuture());
    }
}
