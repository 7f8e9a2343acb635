package io.strongroom.core.volume;

import io.strongroom.core.embed.Strongroom;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.volume.VolumeServiceContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * The volume service contract against the service an embedded {@link Strongroom} wires: its own Vert.x instance,
 * the storage backend opened by name, every call from the test thread (so every seal hops onto an event loop).
 */
class EmbeddedVolumeServiceContractTest extends VolumeServiceContract {
    @TempDir
    Path tmp;

    VolumeTestKit kit;
    Strongroom strongroom;

    @Override
    protected VolumeService openService() {
        kit = VolumeTestKit.start(tmp.resolve("kit"));
        strongroom = Await.result(Strongroom.start(EmbeddedOptions.of(kit, tmp.resolve("embedded"))));
        return strongroom.volumes();
    }

    @Override
    protected VolumeService restartService(VolumeService service) {
        Await.result(strongroom.close());
        strongroom = Await.result(Strongroom.start(EmbeddedOptions.of(kit, tmp.resolve("embedded"))));
        return strongroom.volumes();
    }

    @Override
    protected void closeService(VolumeService service) {
        try {
            if (strongroom != null) {
                Await.result(strongroom.close());
            }
        } finally {
            if (kit != null) {
                kit.close();
            }
        }
    }
}
