package io.strongroom.store.local;

import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.store.MetadataStore;
import io.vertx.core.Future;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link MetadataStore} keeping each volume's document as {@code metadata.json} in the volume's directory.
 * Replacement is the classic atomic sequence: write {@code metadata.json.tmp}, fdatasync it, rename it over
 * {@code metadata.json}, fsync the directory. A crash leaves either the old or the new file under the real name;
 * a leftover temporary file is simply overwritten by the next write and never read.
 *
 * <p>Volume names are claimed in memory: one process writes a data directory, so its claims are all there are; the
 * volume service claims the name of every volume it loads when it starts.
 */
final class LocalFileMetadataStore implements MetadataStore {

    static final String FILE_NAME = "metadata.json";
    static final String TEMP_FILE_NAME = "metadata.json.tmp";

    private final LocalFileBlockStore store;
    private final ConcurrentHashMap<String, UUID> names = new ConcurrentHashMap<>();

    LocalFileMetadataStore(LocalFileBlockStore store) {
        this.store = store;
    }

    @Override
    public Future<Void> write(UUID volumeId, String json) {
        LocalVolume v;
        try {
            v = store.volume(volumeId);
        } catch (BlockStoreException e) {
            return Future.failedFuture(e);
        }
        if (json == null) {
            return Future.failedFuture(
                    new BlockStoreException(BlockStoreException.Reason.INVALID_ARGUMENT, "no metadata document"));
        }
        ByteBuffer bytes = ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8));
        return store.onIoThread(() -> {
            synchronized (v.metadataLock) {
                if (v.deleted()) {
                    throw BlockStoreException.unknownVolume(volumeId);
                }
                Path tmp = v.dir().resolve(TEMP_FILE_NAME);
                Files.deleteIfExists(tmp);
                StoreFiles.writeNewFileDurably(tmp, bytes);
                StoreFiles.renameDurably(tmp, v.dir().resolve(FILE_NAME));
                return null;
            }
        });
    }

    @Override
    public Future<Optional<String>> read(UUID volumeId) {
        if (volumeId == null) {
            return Future.succeededFuture(Optional.empty());
        }
        Path file = store.volumeDir(volumeId).resolve(FILE_NAME);
        return store.onIoThread(() -> {
            try {
                return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public Future<List<UUID>> listVolumes() {
        List<UUID> candidates = store.volumes();
        return store.onIoThread(() -> {
            List<UUID> withDocument = new ArrayList<>();
            for (UUID id : candidates) {
                if (Files.exists(store.volumeDir(id).resolve(FILE_NAME))) {
                    withDocument.add(id);
                }
            }
            return withDocument;
        });
    }

    @Override
    public Future<UUID> claimName(String name, UUID volumeId) {
        UUID holder = names.putIfAbsent(name, volumeId);
        return Future.succeededFuture(holder == null ? volumeId : holder);
    }

    @Override
    public Future<Void> releaseName(String name, UUID volumeId) {
        names.remove(name, volumeId);
        return Future.succeededFuture();
    }
}
