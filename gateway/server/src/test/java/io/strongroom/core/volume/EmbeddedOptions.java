package io.strongroom.core.volume;

import io.strongroom.core.embed.StrongroomOptions;
import io.strongroom.core.keys.KeyAccessRule;
import io.strongroom.core.store.StorageOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Options of an embedded Strongroom for tests: local files under a directory, the kit's shared vault and keys. */
final class EmbeddedOptions {
    private EmbeddedOptions() {}

    /** Its own Vert.x, the local backend under {@code dir}, the kit's vault identities and service KEK. */
    static StrongroomOptions of(VolumeTestKit kit, Path dir) {
        return new StrongroomOptions()
                .setStorage(new StorageOptions().setDataDir(dir.resolve("volumes")))
                .setKeyVaults(kit.keyVaultsConfig())
                .setKeyAccess(new KeyAccessRule.Settings(
                        Duration.ofMinutes(10), Duration.ofMinutes(1), List.of(), dir.resolve("activity.log")))
                .setVolumes(new VolumeServiceOptions().setServiceKekId(kit.keyUrl(VolumeTestKit.SERVICE_KEY)));
    }
}
