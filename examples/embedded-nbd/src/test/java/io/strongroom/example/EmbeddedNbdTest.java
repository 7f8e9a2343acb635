package io.strongroom.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example as a user runs it, checked with the real NBD clients (nbdinfo, nbdcopy from libnbd-bin, which
 * .ci/run installs): the export has the volume's size, an image copied in comes back equal, also after a restart
 * of the whole process's Strongroom (the KEK kept by the vault, the DEK unwrapped again), and the bytes on disk are
 * not the plaintext.
 */
class EmbeddedNbdTest {
    private static final long SIZE = 8L << 20;

    @TempDir
    Path tmp;

    @Test
    void anImageCopiedInComesBackEqualAcrossARestartAndIsNotOnDiskInPlainForm() throws Exception {
        EmbeddedNbd.Settings settings =
                new EmbeddedNbd.Settings(tmp.resolve("data"), tmp.resolve("vault"), "db", SIZE, 0);
        byte[] image = new byte[(int) SIZE];
        new Random(7).nextBytes(image);
        Path in = Files.write(tmp.resolve("in.img"), image);

        EmbeddedNbd first = Await.result(EmbeddedNbd.start(settings));
        try {
            String info = run("nbdinfo", "--size", first.nbdUri("db"));
            assertEquals(String.valueOf(SIZE), info.strip());
            run("nbdcopy", in.toString(), first.nbdUri("db"));
        } finally {
            Await.result(first.close());
        }

        EmbeddedNbd second = Await.result(EmbeddedNbd.start(settings));
        Path out = tmp.resolve("out.img");
        try {
            run("nbdcopy", second.nbdUri("db"), out.toString());
        } finally {
            Await.result(second.close());
        }
        assertArrayEquals(image, Files.readAllBytes(out), "the image read back after a restart");
        assertFalse(
                anyFileContains(settings.dataDir(), Arrays.copyOfRange(image, 4096, 4096 + 64)),
                "plaintext found in the data directory");
    }

    private static boolean anyFileContains(Path dir, byte[] needle) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes = Files.readAllBytes(file);
                for (int i = 0; i + needle.length <= bytes.length; i++) {
                    if (bytes[i] == needle[0] && Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Runs a client to completion and returns its output; a missing tool fails the test with the package name. */
    private static String run(String... command) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(List.of(command))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new AssertionError(
                    command[0] + " is not installed (Debian package libnbd-bin; .ci/run installs it)", e);
        }
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), command[0] + " did not finish");
        String text = new String(output);
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + text);
        return text;
    }
}
