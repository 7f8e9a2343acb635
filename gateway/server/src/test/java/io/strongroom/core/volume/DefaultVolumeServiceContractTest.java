package io.strongroom.core.volume;

import io.strongroom.core.testkit.volume.VolumeServiceContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The volume service contract against {@link DefaultVolumeService} over local files and a real local-vault. */
class DefaultVolumeServiceContractTest extends VolumeServiceContract {
    @TempDir
    Path tmp;

    VolumeTestKit kit;

    @Override
    protected VolumeService openService() {
        kit = VolumeTestKit.start(tmp);
        return kit.service;
    }

    @Override
    protected VolumeService restartService(VolumeService service) {
        kit.restart();
        return kit.service;
    }

    @Override
    protected void closeService(VolumeService service) {
        kit.close();
    }
}
