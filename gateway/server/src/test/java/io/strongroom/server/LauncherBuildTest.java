package io.strongroom.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code strongroom} launcher's first run, when the gateway jar is missing and it builds it: one line of progress,
 * Maven in batch mode without colour, its output shown only when the build fails (and then without escape codes).
 * The launcher runs from a copy of the repository root whose {@code mvn} (first on PATH) is a stand-in that records
 * its arguments, prints coloured noise, and either fails or writes the jar (a copy of an empty file, so the JVM's
 * refusal to run it shows that the launcher went on to start it).
 */
class LauncherBuildTest {
    private static final Path LAUNCHER =
            Path.of("../../strongroom").toAbsolutePath().normalize();
    private static final String NOISE = "\u001b[1m[INFO] Scanning for projects...\u001b[m";

    @TempDir
    Path root;

    private record Run(int exit, String out, String err) {}

    private Run firstRun(boolean buildFails) throws Exception {
        Files.copy(LAUNCHER, root.resolve("strongroom"));
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(
                mvn,
                "#!/usr/bin/env bash\n"
                        + "echo \"$*\" > \"" + root.resolve("mvn-args") + "\"\n"
                        + "printf '%s\\n' '" + NOISE + "'\n"
                        + (buildFails
                                ? "echo '[ERROR] COMPILATION ERROR' >&2; exit 1\n"
                                : "mkdir -p gateway/server/target && : > gateway/server/target/strongroom-gateway.jar\n"));
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = root.resolve("out.txt");
        Path err = root.resolve("err.txt");
        ProcessBuilder builder = new ProcessBuilder(
                        "bash", root.resolve("strongroom").toString(), "--port", "0")
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().remove("STRONGROOM_JAR");
        builder.environment().put("PATH", bin + ":" + builder.environment().get("PATH"));
        Process process = builder.start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the launcher did not end in 120 s");
        return new Run(
                process.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void aSuccessfulBuildShowsOneLineAndNoMavenOutput() throws Exception {
        Run run = firstRun(false);
        String args = Files.readString(root.resolve("mvn-args"));
        assertTrue(args.startsWith("-B -q -Dstyle.color=never -pl gateway/server -am package"), args);
        assertTrue(
                run.err().startsWith("strongroom: building the gateway (first run, about 2 minutes) ...\n"), run.err());
        assertFalse(run.err().contains("Scanning for projects"), run.err());
        assertTrue(run.err().contains("strongroom-gateway.jar"), "then the JVM was given the jar: " + run.err());
        assertFalse(run.exit() == 0, "an empty jar does not run");
    }

    @Test
    void aFailedBuildShowsMavensOutputWithoutEscapeCodes() throws Exception {
        Run run = firstRun(true);
        assertEquals(1, run.exit());
        assertEquals("", run.out());
        assertEquals(
                "strongroom: building the gateway (first run, about 2 minutes) ...\n"
                        + "[INFO] Scanning for projects...\n"
                        + "[ERROR] COMPILATION ERROR\n"
                        + "strongroom: the build failed (Maven's output above); fix it, or build by hand: mvn -B -pl"
                        + " gateway/server -am package -DskipTests\n",
                run.err());
        assertFalse(Files.exists(root.resolve("gateway/server/target/strongroom-gateway.jar")));
    }
}
