package io.strongroom.loadtest.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.loadtest.cli.VaultStormOptions;
import io.strongroom.vault.LatencySnapshot;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The storm against a real local-vault started in-process: every unwrap returns the key that was wrapped. */
class VaultStormTest {

    @Test
    void unwrapsEveryDekBackAndReportsPerEndpointAndRegion(@TempDir Path out) throws Exception {
        VaultStormOptions o =
                new VaultStormOptions().unwraps(24).concurrency(6).rounds(2).out(out);
        List<String> lines = new ArrayList<>();
        List<RoundResult> rounds = new VaultStorm(o, lines::add).run();

        assertEquals(2, rounds.size());
        for (RoundResult r : rounds) {
            assertEquals(0, r.failures());
            assertEquals(0, r.mismatches(), "unwrapped keys equal the originals");
            assertEquals(24, r.latency().getTotalCount());
            assertEquals(1, r.perEndpoint().size(), "one endpoint: " + r.perEndpoint());
            LatencySnapshot s = r.perEndpoint().get(0);
            assertEquals("unwrap", s.operation());
            assertEquals(24, s.count(), "the client's own interval counts exactly this round's unwraps");
            assertTrue(s.endpoint().startsWith("https://127.0.0.1:"));
            assertTrue(r.unwrapsPerSecond() > 0);
        }
        VaultStormReport.write(rounds, o.concurrency(), out);
        JsonObject json = new JsonObject(Files.readString(out.resolve("vault-storm.json")));
        assertEquals(2, json.getJsonArray("rounds").size());
        assertEquals(
                24L,
                json.getJsonArray("rounds")
                        .getJsonObject(0)
                        .getJsonObject("latencyMillis")
                        .getLong("count"));
        assertTrue(Files.readString(out.resolve("vault-unwrap.hgrm")).contains("Total count    =           48"));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("round 2:")), "progress lines: " + lines);
    }
}
