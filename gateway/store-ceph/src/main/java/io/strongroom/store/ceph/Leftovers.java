package io.strongroom.store.ceph;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Finds and removes what interrupted creations and deletions left in the pool (docs/SCALE-OUT.md "Leftovers"):
 * <ul>
 *   <li>data objects of an incarnation that no header names: a deletion removes the header before the data objects,
 *       and a volume created again under the same id has a new incarnation;</li>
 *   <li>headers without a document, older than {@link #GRACE}: a creation writes the header, then the document. A
 *       creation that is still going on when its header goes has its document write refused (it asserts that the
 *       header exists), so it fails instead of leaving a volume without geometry;</li>
 *   <li>name claims ({@link NameClaims}) of a volume without a document, older than {@link #GRACE}: a creation claims
 *       the name before it creates the header, a deletion releases it after removing the header.</li>
 * </ul>
 * A header that cannot be read as geometry keeps its objects, and a claim that does not name a volume stays: nothing
 * is removed on a doubt. Blocking: worker threads.
 */
final class Leftovers {

    /**
     * A header without a document, or a name claim of a volume without one, younger than this may belong to a
     * creation in progress.
     */
    static final Duration GRACE = Duration.ofMinutes(10);

    private static final System.Logger LOG = System.getLogger(Leftovers.class.getName());

    private Leftovers() {}

    /** What one collection found and removed. */
    record Collected(int dataObjects, int headers, int claims) {
        int total() {
            return dataObjects + headers + claims;
        }
    }

    /**
     * Walks the namespace once and removes the leftovers; headers without a document and claims of volumes without
     * one must be older than {@code grace}.
     */
    static Collected collect(Rados rados, Duration grace, Instant now) throws RadosException {
        Map<UUID, Optional<String>> incarnations = new HashMap<>();
        List<String> removable = new ArrayList<>();
        for (String name : rados.objectsStartingWith(CephVolume.DATA_PREFIX)) {
            String[] parts = name.substring(CephVolume.DATA_PREFIX.length()).split("\\.");
            UUID id = parts.length == 3 ? uuid(parts[0]) : null;
            if (id == null) {
                continue;
            }
            Optional<String> incarnation = incarnations.get(id);
            if (incarnation == null) {
                incarnation = incarnation(rados, id);
                incarnations.put(id, incarnation);
            }
            if (incarnation.isPresent() && !incarnation.get().equals(parts[1])) {
                removable.add(name);
            }
        }
        for (String name : removable) {
            rados.remove(name);
        }
        int headers = 0;
        for (String name : rados.objectsStartingWith(CephVolume.HEADER_PREFIX)) {
            if (rados.readOmap(name, CephVolume.DOCUMENT_KEY).isEmpty() && olderThan(rados, name, grace, now)) {
                rados.remove(name);
                headers++;
            }
        }
        int claims = 0;
        for (String name : rados.objectsStartingWith(NameClaims.PREFIX)) {
            try {
                if (NameClaims.collect(rados, name, grace, now)) {
                    claims++;
                }
            } catch (RadosException e) {
                LOG.log(System.Logger.Level.WARNING, "kept the name claim {0}: {1}", name, e.getMessage());
            }
        }
        return new Collected(removable.size(), headers, claims);
    }

    /** The object exists and was last written at least {@code grace} before {@code now}. */
    static boolean olderThan(Rados rados, String oid, Duration grace, Instant now) throws RadosException {
        OptionalLong modified = rados.modifiedSeconds(oid);
        return modified.isPresent() && now.getEpochSecond() - modified.getAsLong() >= grace.toSeconds();
    }

    /**
     * The incarnation the volume's header names; "" (matching no data object) when there is no header; empty when the
     * header cannot be read as geometry (keep everything).
     */
    private static Optional<String> incarnation(Rados rados, UUID id) throws RadosException {
        byte[] header = new byte[CephBlockStore.HEADER_MAX_BYTES];
        int n = rados.read(CephVolume.headerName(id), header, 0);
        if (n == 0) {
            return Optional.of("");
        }
        try {
            return Optional.ofNullable(
                    CephVolume.fromHeader(id, Arrays.copyOf(header, n)).incarnation());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
