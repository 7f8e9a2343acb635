package io.strongroom.core.volume;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the volume service tests: a fresh {@link VolumeTestKit} over a temporary directory for each test,
 * closed after it. A subclass's own {@code @BeforeEach} runs after the kit has started.
 */
abstract class WithVolumeKit {
    @TempDir
    Path tmp;

    VolumeTestKit kit;

    @BeforeEach
    final void startKit() {
        kit = VolumeTestKit.start(tmp);
    }

    @AfterEach
    final void closeKit() {
        kit.close();
    }
}
