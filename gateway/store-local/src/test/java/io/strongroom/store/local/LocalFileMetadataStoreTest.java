package io.strongroom.store.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.strongroom.core.store.StorageBackend;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.MetadataStoreContract;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metadata contract against {@code metadata.json} files, plus what is particular to them. */
class LocalFileMetadataStoreTest extends MetadataStoreContract {

    @TempDir
    Path dir;

    @Override
    protected StorageBackend openBackend(Vertx vertx) {
        return Await.result(LocalFileStorageBackend.open(vertx, new LocalFileBlockStoreOptions().setDataDir(dir)));
    }

    @Test
    void aLeftoverTemporaryFileIsNeverReadAndIsReplacedByTheNextWrite() throws Exception {
        Await.result(metadata.write(volume, "{\"v\":2}"));
        Path volumeDir = dir.resolve(volume.toString());
        Files.writeString(volumeDir.resolve(LocalFileMetadataStore.TEMP_FILE_NAME), "{\"torn");
        reopen();
        assertEquals(Optional.of("{\"v\":2}"), Await.result(metadata.read(volume)));
        Await.result(metadata.write(volume, "{\"v\":3}"));
        assertEquals(Optional.of("{\"v\":3}"), Await.result(metadata.read(volume)));
        assertFalse(Files.exists(volumeDir.resolve(LocalFileMetadataStore.TEMP_FILE_NAME)));
    }

    @Test
    void theDocumentLivesInTheVolumesDirectoryAndGoesWithIt() throws Exception {
        Await.result(metadata.write(volume, "{}"));
        Path volumeDir = dir.resolve(volume.toString());
        assertEquals("{}", Files.readString(volumeDir.resolve(LocalFileMetadataStore.FILE_NAME)));
        Await.result(backend.blocks().deleteVolume(volume));
        assertFalse(Files.exists(volumeDir));
    }
}
