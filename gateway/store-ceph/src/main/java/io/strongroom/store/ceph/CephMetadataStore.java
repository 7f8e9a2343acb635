package io.strongroom.store.ceph;

import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.MetadataStore;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The volumes' documents of the {@code ceph} backend: each one the value of the omap key {@code document} of its
 * volume's header object, replaced whole by one RADOS operation (atomic), and listed by the omap keys of the directory
 * object {@value #DIRECTORY} (one key per volume with a document), so any gateway over the pool finds them.
 */
final class CephMetadataStore implements MetadataStore {

    /** The object whose omap keys are the ids of the volumes that have a document. */
    static final String DIRECTORY = "strongroom.volumes";

    private final CephBlockStore blocks;

    CephMetadataStore(CephBlockStore blocks) {
        this.blocks = blocks;
    }

    /**
     * Under the volume's writer lease (a document holds counters two writers would overwrite), sets the document on the
     * header only if the header exists (else UNKNOWN_VOLUME), then lists the volume in the
     * directory; a crash between the two leaves an unacknowledged document that the next write lists.
     */
    @Override
    public Future<Void> write(UUID volumeId, String json) {
        byte[] document = json.getBytes(StandardCharsets.UTF_8);
        return blocks.volume(volumeId)
                .compose(v -> blocks.leased(v)
                        .compose(epoch -> blocks.leasedCall(v, epoch, () -> {
                            try {
                                blocks.rados().setOmap(v.headerName(), CephVolume.DOCUMENT_KEY, document, true);
                            } catch (RadosException e) {
                                if (e.errno() == RadosException.ENOENT) {
                                    throw BlockStoreException.unknownVolume(volumeId);
                                }
                                throw e;
                            }
                            blocks.rados().setOmap(DIRECTORY, volumeId.toString(), new byte[0], false);
                            return null;
                        })));
    }

    @Override
    public Future<Optional<String>> read(UUID volumeId) {
        return blocks.blocking(() -> blocks.rados()
                .readOmap(CephVolume.headerName(volumeId), CephVolume.DOCUMENT_KEY)
                .map(bytes -> new String(bytes, StandardCharsets.UTF_8)));
    }

    /** Takes the volume's writer lease (fencing a lapsed holder), then reads the document. */
    @Override
    public Future<Optional<String>> readAsWriter(UUID volumeId) {
        return blocks.volume(volumeId).compose(blocks::leased).compose(leased -> read(volumeId));
    }

    /** {@link NameClaims#claim}: one claim object per name, a stale one taken over by compare-and-swap. */
    @Override
    public Future<UUID> claimName(String name, UUID volumeId) {
        return blocks.blocking(() -> NameClaims.claim(blocks.rados(), name, volumeId, Leftovers.GRACE, Instant.now()));
    }

    @Override
    public Future<Void> releaseName(String name, UUID volumeId) {
        return blocks.blocking(() -> {
            NameClaims.release(blocks.rados(), name, volumeId);
            return null;
        });
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    public Future<List<UUID>> listVolumes() {
        return blocks.blocking(() -> {
            List<UUID> ids = new ArrayList<>();
            for (String key : blocks.rados().omapKeys(DIRECTORY)) {
                ids.add(UUID.fromString(key));
            }
            return ids;
        });
    }
}
