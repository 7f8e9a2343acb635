package io.strongroom.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code nbdinfo --json} (libnbd); output goes to files, so a hang cannot block on a full pipe. */
final class Nbdinfo {
    private Nbdinfo() {}

    static JsonObject run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("nbdinfo", "--json"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "nbdinfo", ".json");
        Path err = Files.createTempFile(dir, "nbdinfo", ".err");
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish");
        }
        String errors = Files.readString(err);
        assertEquals(0, p.exitValue(), () -> command + ": " + errors);
        return new JsonObject(Files.readString(out));
    }
}
