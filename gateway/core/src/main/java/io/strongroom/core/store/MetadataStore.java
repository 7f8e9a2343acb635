package io.strongroom.core.store;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Small per-volume documents (JSON text written by the gateway's volume layer: configuration, wrapped DEKs,
 * counters), each replaced atomically: a reader, and a restart after a crash at any moment, sees the last
 * completely written version, never a partial one. A document belongs to a volume of the sibling
 * {@link BlockStore}: create the volume there first; deleting the volume deletes its document.
 */
public interface MetadataStore {

    /** Replaces the volume's document; completes once it is durable. Fails with UNKNOWN_VOLUME if the volume does not exist. */
    Future<Void> write(UUID volumeId, String json);

    /** The last completely written document, or empty if none was written (or the volume does not exist). */
    Future<Optional<String>> read(UUID volumeId);

    /**
     * The document as the volume's writer must start from: takes the exclusive right to write the volume where the
     * store coordinates several writers (the {@code ceph} store's writer lease; it fails as a write would while
     * another gateway holds it), then reads the document, which nobody else changes while that right is held. This
     * default suits a store that is the only one to write its volumes: a plain {@link #read}.
     */
    default Future<Optional<String>> readAsWriter(UUID volumeId) {
        return read(volumeId);
    }

    /** Volumes that have a document: for start-up, and for the refreshes of a {@link #shared()} store. */
    Future<List<UUID>> listVolumes();

    /**
     * Whether other gateways create, delete and change volumes of this store too (the {@code ceph} store): the
     * volume layer then refreshes what it knows from the store, instead of trusting what it loaded at start-up.
     * This default suits a store that is the only one to write its volumes.
     */
    default boolean shared() {
        return false;
    }

    /**
     * Claims volume name {@code name} for volume {@code volumeId} across every gateway over this store, before that
     * volume is created, so that two creations of one name cannot both succeed (docs/SCALE-OUT.md, "Volume names").
     * Completes with the id that holds the name afterwards: {@code volumeId} when it won or already held it, another
     * id when that one holds it. One of several concurrent claims of a name wins; the others see the winner. A store
     * that several gateways write may give a claim up to a later one when the volume it names has no document and
     * has not had one for a long time (a creation or deletion that crashed half-way), never while it has one.
     * Claims hold names, not volumes: deleting a volume leaves its claim, see {@link #releaseName}.
     */
    Future<UUID> claimName(String name, UUID volumeId);

    /**
     * Releases {@code name} if {@code volumeId} holds it (else, or when nobody does, does nothing), so the name can be
     * claimed again: after the volume is deleted, or when its creation failed.
     */
    Future<Void> releaseName(String name, UUID volumeId);
}
