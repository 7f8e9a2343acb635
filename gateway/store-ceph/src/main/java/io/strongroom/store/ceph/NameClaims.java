package io.strongroom.store.ceph;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Volume names claimed across every gateway over the pool (docs/SCALE-OUT.md, "Volume names"): one object
 * {@value #PREFIX}{@code <name>} per claimed name, whose content is the id of the volume that holds it (36 ASCII
 * characters). Every step is one RADOS operation on that object: a claim creates it exclusively, a release removes it
 * only if it still names the releasing volume, and a stale claim is taken over by replacing its content only if it
 * still names the stale holder (compare-and-swap). A claim is stale when the volume it names has no document and the
 * claim is older than a grace period ({@link Leftovers#GRACE}): the gateway creating that volume, or deleting it, died half-way.
 * Blocking: worker threads.
 */
final class NameClaims {

    /**
     * The prefix of claim objects. A volume name ([a-z0-9][a-z0-9._-]{0,62}) is used as it is after it: every one is a
     * legal RADOS object name, two names never give one object name, and no other object of the store starts with it.
     */
    static final String PREFIX = "strongroom.name.";

    /** How many times a claim looks again when the claim object changed between two of its operations. */
    private static final int ATTEMPTS = 8;

    private static final System.Logger LOG = System.getLogger(NameClaims.class.getName());

    private NameClaims() {}

    static String objectName(String name) {
        return PREFIX + name;
    }

    /** Claims {@code name} for {@code id}, taking a stale claim over; returns the id that holds the name afterwards. */
    static UUID claim(Rados rados, String name, UUID id, Duration grace, Instant now) throws RadosException {
        String oid = objectName(name);
        byte[] content = bytes(id);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                rados.createExclusive(oid, content);
                return id;
            } catch (RadosException e) {
                if (e.errno() != RadosException.EEXIST) {
                    throw e;
                }
            }
            Optional<UUID> holder = holder(rados, oid);
            if (holder.isEmpty()) {
                continue; // released meanwhile
            }
            if (holder.get().equals(id)) {
                return id;
            }
            if (!stale(rados, oid, holder.get(), grace, now)) {
                // the age was read after the holder: unless the holder is still the one read, look again
                if (holder.equals(holder(rados, oid))) {
                    return holder.get();
                }
                continue;
            }
            if (rados.replaceIf(oid, bytes(holder.get()), content)) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "volume name {0} was claimed by volume {1}, which has no document: taken over for volume {2}",
                        name,
                        holder.get(),
                        id);
                return id;
            }
        }
        throw new RadosException("claim", oid, -RadosException.EAGAIN);
    }

    /** Removes the claim object of {@code name} if it names {@code id}. */
    static void release(Rados rados, String name, UUID id) throws RadosException {
        rados.removeIf(objectName(name), bytes(id));
    }

    /** Removes the claim object {@code oid} if it is stale; returns whether it did. */
    static boolean collect(Rados rados, String oid, Duration grace, Instant now) throws RadosException {
        Optional<UUID> holder = holder(rados, oid);
        return holder.isPresent()
                && stale(rados, oid, holder.get(), grace, now)
                && rados.removeIf(oid, bytes(holder.get()));
    }

    /**
     * The volume the claim object names; empty when it does not exist. Content that is not a volume id (never written
     * by this store) fails, so that nothing is taken over or removed on a doubt.
     */
    private static Optional<UUID> holder(Rados rados, String oid) throws RadosException {
        byte[] buf = new byte[64];
        int n = rados.read(oid, buf, 0);
        if (n == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(new String(buf, 0, n, StandardCharsets.US_ASCII)));
        } catch (IllegalArgumentException e) {
            throw new RadosException("claim read (not a volume id)", oid, -RadosException.EINVAL);
        }
    }

    /** The holder has no document and the claim was last written at least {@code grace} before {@code now}. */
    private static boolean stale(Rados rados, String oid, UUID holder, Duration grace, Instant now)
            throws RadosException {
        return rados.readOmap(CephVolume.headerName(holder), CephVolume.DOCUMENT_KEY)
                        .isEmpty()
                && Leftovers.olderThan(rados, oid, grace, now);
    }

    private static byte[] bytes(UUID id) {
        return id.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
