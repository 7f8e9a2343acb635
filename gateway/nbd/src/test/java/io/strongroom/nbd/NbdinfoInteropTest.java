package io.strongroom.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.strongroom.core.volume.VolumeSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code nbdinfo} (libnbd) against the server, over TCP and the Unix socket: it negotiates with
 * NBD_OPT_GO and reports the size, the flags and the block sizes this server advertises, and lists the exports.
 * libnbd is installed by {@code .ci/run}; without it the test fails rather than pass unrun.
 */
@Timeout(300)
class NbdinfoInteropTest {
    @TempDir
    Path dir;

    @Test
    void nbdinfoSeesSizeFlagsBlockSizesAndTheList() throws Exception {
        try (NbdFixture fixture = NbdFixture.start(dir, Duration.ofMinutes(10))) {
            fixture.createVolume("pg", 256L * 1024 * 1024);
            Await.result(fixture.strongroom.createVolume(new VolumeSpec("small", 1024L * 4096, 4096, null, null)));
            Path socket = dir.resolve("nbd.sock");
            NbdServer server = fixture.serve(new NbdOptions().setPort(0).setSocketPath(socket));
            try {
                JsonObject pg = onlyExport(nbdinfo("nbd://127.0.0.1:" + server.port() + "/pg"));
                assertEquals("pg", pg.getString("export-name"));
                assertEquals(256L * 1024 * 1024, pg.getLong("export-size"));
                assertEquals(512, pg.getInteger("block_size_minimum"));
                assertEquals(8192, pg.getInteger("block_size_preferred"));
                assertEquals(32 * 1024 * 1024, pg.getInteger("block_size_maximum"));
                for (String flag : List.of("can_flush", "can_fua", "can_trim", "can_zero", "can_multi_conn")) {
                    assertEquals(true, pg.getBoolean(flag), flag);
                }
                assertEquals(false, pg.getBoolean("is_read_only"));

                JsonObject small = onlyExport(nbdinfo("nbd+unix:///small?socket=" + socket));
                assertEquals(1024L * 4096, small.getLong("export-size"));
                assertEquals(4096, small.getInteger("block_size_preferred"));

                List<String> names = new ArrayList<>();
                JsonArray listed =
                        nbdinfo("--list", "nbd://127.0.0.1:" + server.port()).getJsonArray("exports");
                listed.forEach(e -> names.add(((JsonObject) e).getString("export-name")));
                assertTrue(names.containsAll(List.of("pg", "small")), names::toString);
            } finally {
                Await.result(server.close());
            }
        }
    }

    private static JsonObject onlyExport(JsonObject info) {
        JsonArray exports = info.getJsonArray("exports");
        assertEquals(1, exports.size(), info::encodePrettily);
        return exports.getJsonObject(0);
    }

    private JsonObject nbdinfo(String... args) throws IOException, InterruptedException {
        return Nbdinfo.run(dir, args);
    }
}
