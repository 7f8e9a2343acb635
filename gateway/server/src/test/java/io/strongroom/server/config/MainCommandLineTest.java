package io.strongroom.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.ChildJvm;
import io.strongroom.server.Main;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher as an operator sees it: {@code --help}, and a bad setting ending start-up with one line and exit code 2. */
class MainCommandLineTest {

    @TempDir
    Path tmp;

    private record Run(int exitCode, String stdout, String stderr) {}

    private Run run(String... args) throws Exception {
        try (ChildJvm launcher = ChildJvm.start("launcher", tmp, List.of(), Main.class, List.of(args))) {
            int exitCode = launcher.awaitExit();
            return new Run(exitCode, launcher.output(), launcher.log());
        }
    }

    @Test
    void helpListsTheFlags() throws Exception {
        Run help = run("--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.stdout().startsWith("Usage: strongroom"), help.stdout());
        assertTrue(help.stdout().contains("--durability fsync|none"), help.stdout());
        assertTrue(help.stdout().contains("STRONGROOM_DATA_DIR"), help.stdout());
    }

    @Test
    void aBadSettingIsOneLineAndExitCode2() throws Exception {
        Run bad = run("--durability", "fsnc");
        assertEquals(2, bad.exitCode());
        assertEquals("strongroom: invalid setting durability: 'fsnc' (expected fsync or none)\n", bad.stderr());
        assertEquals("", bad.stdout());
    }
}
