package io.strongroom.store.ceph;

import io.strongroom.core.store.BlockStoreException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A volume as this store knows it: its geometry and incarnation (from its header object, docs/SCALE-OUT.md
 * "Layout"), the names of its objects, and the writes, trims and zeroings in flight on it (what a flush waits for).
 */
final class CephVolume {

    /** The object holding a volume's geometry (its data, JSON) and its document (omap key {@value #DOCUMENT_KEY}). */
    static final String HEADER_PREFIX = "strongroom.volume.";

    static final String DOCUMENT_KEY = "document";

    static final String DATA_PREFIX = "strongroom.data.";

    private final UUID id;
    private final int slotSize;
    private final long blockCount;
    private final int slotsPerObject;
    private final String incarnation;
    private final Set<Future<Void>> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean deleted;
    private volatile long leaseUntilNanos;
    private volatile long leaseEpoch;
    private Future<Void> acquisition;

    CephVolume(UUID id, int slotSize, long blockCount, int slotsPerObject, String incarnation) {
        this.id = id;
        this.slotSize = slotSize;
        this.blockCount = blockCount;
        this.slotsPerObject = slotsPerObject;
        this.incarnation = incarnation;
    }

    static String headerName(UUID id) {
        return HEADER_PREFIX + id;
    }

    /** The header's data: the geometry, as JSON. */
    byte[] header() {
        return new JsonObject()
                .put("slotSize", slotSize)
                .put("blockCount", blockCount)
                .put("slotsPerObject", slotsPerObject)
                .put("incarnation", incarnation)
                .encode()
                .getBytes(StandardCharsets.UTF_8);
    }

    static CephVolume fromHeader(UUID id, byte[] header) {
        JsonObject json = new JsonObject(new String(header, StandardCharsets.UTF_8));
        return new CephVolume(
                id,
                json.getInteger("slotSize"),
                json.getLong("blockCount"),
                json.getInteger("slotsPerObject"),
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
