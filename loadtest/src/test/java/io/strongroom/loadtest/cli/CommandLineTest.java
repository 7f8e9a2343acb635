package io.strongroom.loadtest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void parsesLoadFlagsInBothSpellings() {
        CommandLine.Command c = CommandLine.parse(
                "--target",
                "http://127.0.0.1:1,https://127.0.0.1:2/x",
                "--token=t0k",
                "--volumes",
                "a,b",
                "--block-size",
                "4096",
                "--blocks-per-request=4",
                "--read-ratio",
                "0.7",
                "--sequential",
                "--working-set",
                "1024",
                "--connections",
                "32",
                "--http2",
                "--trust",
                "/tmp/ca.pem",
                "--rate",
                "2500",
                "--warmup",
                "500ms",
                "--duration",
                "2m",
                "--realtime-loops",
                "--out",
                "/tmp/r");
        LoadTestOptions o = c.load();
        assertTrue(o.realtimeLoops());
        assertFalse(CommandLine.parse("--target", "http://127.0.0.1:1").load().realtimeLoops());
        assertEquals(CommandLine.Mode.LOAD, c.mode());
        assertEquals(List.of("http://127.0.0.1:1", "https://127.0.0.1:2/x"), o.targets());
        assertEquals("t0k", o.token());
        assertEquals(List.of("a", "b"), o.volumes());
        assertEquals(4096, o.blockSize());
        assertEquals(4, o.blocksPerRequest());
        assertEquals(0.7, o.readRatio());
        assertTrue(o.sequential());
        assertEquals(1024, o.workingSetBlocks());
        assertEquals(32, o.connections());
        assertEquals(LoadTestOptions.Protocol.HTTP2, o.protocol());
        assertEquals(Path.of("/tmp/ca.pem"), o.trustPem());
        assertEquals(LoadTestOptions.Model.OPEN, o.model());
        assertEquals(Duration.ofMillis(500), o.warmup());
        assertEquals(Duration.ofMinutes(2), o.duration());
        assertEquals(Path.of("/tmp/r"), o.out());
    }

    @Test
    void modes() {
        assertEquals(CommandLine.Mode.HELP, CommandLine.parse("--help").mode());
        assertEquals(CommandLine.Mode.EMBEDDED, CommandLine.parse("--embedded").mode());
        CommandLine.Command b = CommandLine.parse("--baseline-server", "--port", "0");
        assertEquals(CommandLine.Mode.BASELINE_SERVER, b.mode());
        assertEquals(0, b.port());
        CommandLine.Command v =
                CommandLine.parse("--vault-storm", "--unwraps", "10", "--vault-endpoint", "https://h:1=westeurope");
        assertEquals(10, v.vault().unwraps());
        assertEquals(
                new VaultStormOptions.Endpoint("https://h:1", "westeurope"),
                v.vault().endpoints().get(0));
        assertEquals(LoadTestOptions.Model.CLOSED, CommandLine.parse().load().model());
        assertTrue(CommandLine.USAGE.contains("--read-ratio"));
    }

    @Test
    void durationsTakeTheGatewaysForms() {
        LoadTestOptions o = CommandLine.parse("--duration", "1.5s", "--timeout", "PT2S", "--warmup", "0s")
                .load();
        assertEquals(Duration.ofMillis(1500), o.duration());
        assertEquals(Duration.ofSeconds(2), o.requestTimeout());
        assertEquals(Duration.ZERO, o.warmup());
        String bare = assertThrows(IllegalArgumentException.class, () -> CommandLine.parse("--warmup", "30"))
                .getMessage();
        assertTrue(bare.startsWith("--warmup: not a duration: '30'"), bare);
        assertTrue(bare.contains("a bare number has no unit"), bare);
        assertTrue(CommandLine.USAGE.contains("DURATION is " + Durations.FORMS), "the usage says what a duration is");
    }

    @Test
    void badInputNamesTheFlag() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.parse("--read-ratio", "1.5"))
                .getMessage()
                .contains("--read-ratio"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.parse("--duration", "soon"))
                .getMessage()
                .contains("--duration"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.parse("--bogus", "1"))
                .getMessage()
                .contains("--bogus"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.parse("--rate"))
                .getMessage()
                .contains("missing value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CommandLine.parse("--target", "ftp://x"))
                .getMessage()
                .contains("--target"));
    }

    @Test
    void configMapNeverCarriesTheToken() {
        LoadTestOptions o = new LoadTestOptions().token("s3cret-token");
        assertFalse(o.toMap().toString().contains("s3cret-token"));
        assertEquals(true, o.toMap().get("tokenSet"));
    }
}
