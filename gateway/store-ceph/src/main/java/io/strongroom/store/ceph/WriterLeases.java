package io.strongroom.store.ceph;

import io.strongroom.core.store.BlockStoreException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The exclusive writer lease of each volume this store writes: Ceph's own lock (cls_lock, exclusive, named
 * {@value #LOCK_NAME}) on the volume's header object, taken with this store's cookie for {@code seconds} and renewed
 * while held, so that one gateway at a time writes a volume. The holder's address and cookie are recorded in the
 * header's omap ({@value #WRITER_KEY}) and removed when it releases the lease; a gateway taking a lease whose record
 * names another cookie fences that gateway first by adding its address to the OSD blocklist (as RBD's exclusive lock
 * does), so that nothing it still had in flight is applied afterwards. The protocol and its failure cases are in
 * docs/SCALE-OUT.md. Each lease taken (not renewed) gets a new epoch: while it is held nobody else changes the
 * volume, which is what lets the slot cache keep the volume's slots. Blocking methods: worker threads only.
 */
final class WriterLeases {

    static final String LOCK_NAME = "strongroom.writer";
    static final String WRITER_KEY = "writer";
    private static final int EBUSY = 16;

    private final Supplier<Rados> rados;
    private final String cookie = Long.toHexString(ThreadLocalRandom.current().nextLong());
    private final long seconds;
    private final Map<UUID, CephVolume> held = new ConcurrentHashMap<>();
    private final LongAdder acquisitions = new LongAdder();
    private final LongAdder fenced = new LongAdder();
    private final AtomicLong epochs = new AtomicLong();

    /** Leases taken through the connection {@code rados} gives at the time (a fenced one is replaced). */
    WriterLeases(Supplier<Rados> rados, long seconds) {
        this.rados = rados;
        this.seconds = seconds;
    }

    long seconds() {
        return seconds;
    }

    /**
     * Takes the volume's lease (or renews it if this store holds it), fencing the last holder if it did not release
     * it. Fails with LEASED_ELSEWHERE while another gateway holds it.
     */
    void acquire(CephVolume v) throws RadosException {
        long start = System.nanoTime();
        try {
            rados.get().lockExclusive(v.headerName(), LOCK_NAME, cookie, seconds, false);
        } catch (RadosException e) {
            if (e.errno() == RadosException.EEXIST) {
                rados.get().lockExclusive(v.headerName(), LOCK_NAME, cookie, seconds, true);
            } else if (e.errno() == EBUSY) {
                throw new BlockStoreException(
                        BlockStoreException.Reason.LEASED_ELSEWHERE,
                        "the volume is written by another gateway" + holder(v)
                                + ": write through it, or here once it has stopped (its lease lapses at most "
                                + seconds + " s after)");
            } else {
                throw e;
            }
        }
        Optional<byte[]> previous = rados.get().readOmap(v.headerName(), WRITER_KEY);
        if (previous.isPresent()) {
            JsonObject writer = new JsonObject(new String(previous.get(), StandardCharsets.UTF_8));
            if (!cookie.equals(writer.getString("cookie"))) {
                rados.get().blocklist(writer.getString("addr"));
                fenced.increment();
            }
        }
        String address = rados.get()
                .lockerAddress(v.headerName(), LOCK_NAME, cookie)
                .orElseThrow(() -> new BlockStoreException(
                        BlockStoreException.Reason.IO_ERROR, "the lease of volume " + v.id() + " was lost at once"));
        byte[] record = new JsonObject()
                .put("addr", address)
                .put("cookie", cookie)
                .encode()
                .getBytes(StandardCharsets.UTF_8);
        rados.get().setOmap(v.headerName(), WRITER_KEY, record, true);
        v.leaseTaken(epochs.incrementAndGet(), start + usable());
        held.put(v.id(), v);
        acquisitions.increment();
    }

    /** " (librados client ADDRESS)" naming the lease's holder as its writer record does, or "" if none is recorded. */
    private String holder(CephVolume v) throws RadosException {
        Optional<byte[]> writer = rados.get().readOmap(v.headerName(), WRITER_KEY);
        return writer.map(w -> " (librados client "
                        + new JsonObject(new String(w, StandardCharsets.UTF_8)).getString("addr") + ")")
                .orElse("");
    }

    /**
     * Renews the leases held; one that cannot be renewed is dropped (the next write tries to take it again). Throws
     * once all are tried if the client was fenced, so the store reconnects.
     */
    void renewAll() throws RadosException {
        RadosException fencedClient = null;
        for (CephVolume v : List.copyOf(held.values())) {
            long start = System.nanoTime();
            try {
                rados.get().lockExclusive(v.headerName(), LOCK_NAME, cookie, seconds, true);
                v.leaseUntil(start + usable());
            } catch (RadosException e) {
                forget(v);
                if (e.fenced()) {
                    fencedClient = e;
                }
            }
        }
        if (fencedClient != null) {
            throw fencedClient;
        }
    }

    /**
     * Forgets every lease held without releasing any, for a client that was fenced: its locks are another gateway's
     * now or lapse by themselves, and each volume's cache epoch drops to 0 until its lease is taken again.
     */
    void dropAll() {
        List.copyOf(held.values()).forEach(this::forget);
    }

    /** Releases every lease held (removing the writer record first, so the next holder fences no one). */
    void releaseAll() {
        List.copyOf(held.values()).forEach(this::release);
    }

    /** Releases the volume's lease if held, removing the writer record first. */
    void release(CephVolume v) {
        if (!held.containsKey(v.id())) {
            return;
        }
        forget(v);
        try {
            rados.get().removeOmap(v.headerName(), WRITER_KEY);
            rados.get().unlock(v.headerName(), LOCK_NAME, cookie);
        } catch (RadosException e) {
            // The lease then ends by itself after its duration, and the next holder fences this client.
        }
    }

    /** Stops counting the volume's lease as held (its header is gone, or it is being released). */
    void forget(CephVolume v) {
        v.leaseUntil(0);
        held.remove(v.id(), v);
    }

    long acquisitions() {
        return acquisitions.sum();
    }

    long fenced() {
        return fenced.sum();
    }

    /** Writes stop half-way through the lease, so a late renewal never lets one through after it ended. */
    private long usable() {
        return TimeUnit.SECONDS.toNanos(seconds) / 2;
    }
}
