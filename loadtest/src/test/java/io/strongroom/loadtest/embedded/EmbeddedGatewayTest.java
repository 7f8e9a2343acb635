package io.strongroom.loadtest.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.loadtest.cli.LoadTestOptions;
import io.strongroom.loadtest.load.LoadRun;
import io.strongroom.loadtest.load.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one-command demonstration, end to end: real gateway, real local-vault, real files, real HTTP. */
class EmbeddedGatewayTest {

    @Test
    void mixedLoadAgainstTheInProcessGatewayHasNoErrors(@TempDir Path out) throws Exception {
        Path dataDir;
        RunResult r;
        try (EmbeddedGateway gateway = EmbeddedGateway.start("none", 1)) {
            dataDir = gateway.dataDir();
            assertTrue(gateway.baseUrl().startsWith("http://127.0.0.1:"), gateway.baseUrl());
            LoadTestOptions o = new LoadTestOptions()
                    .targets(List.of(gateway.baseUrl()))
                    .token(gateway.adminToken())
                    .createVolumes(true)
                    .volumes(List.of("lt-a", "lt-b"))
                    .workingSetBlocks(256)
                    .blocksPerRequest(2)
                    .readRatio(0.5)
                    .connections(4)
                    .warmup(Duration.ofMillis(300))
                    .duration(Duration.ofMillis(1500))
                    .out(out)
                    .quiet(true);
            r = new LoadRun(o, line -> {}).run();
        }
        Map<String, Long> counts = r.countsByStatus();
        assertEquals(0, r.errors(), "statuses: " + counts);
        assertTrue(r.windowCount() > 50, "requests: " + r.windowCount());
        assertTrue(
                counts.keySet().stream().allMatch(k -> k.startsWith("2") || counts.get(k) == 0),
                "every GET and PUT succeeded: " + counts);
        long twoHundreds = counts.entrySet().stream()
                .filter(e -> e.getKey().startsWith("2"))
                .mapToLong(Map.Entry::getValue)
                .sum();
        // counters restart at the end of warm-up a moment after the histograms do: a few answers in flight may differ
        assertTrue(
                Math.abs(r.windowCount() + r.drainCount() - twoHundreds) <= 4,
                "counts agree with the histograms: " + counts);
        assertTrue(r.bytesIn() > 0 && r.bytesOut() > 0, "both reads and writes moved 8 KiB blocks");
        assertFalse(Files.exists(dataDir), "the temporary data directory is removed on close");
    }
}
