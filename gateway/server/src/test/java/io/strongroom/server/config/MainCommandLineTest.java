package io.strongroom.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.server.Main;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The launcher as an operator sees it: {@code --help}, and a bad setting ending start-up with one line and exit code 2. */
class MainCommandLineTest {

    private record Run(int exitCode, String stdout, String stderr) {}

    private static Run run(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not exit");
        return new Run(
                p.exitValue(),
                new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
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
