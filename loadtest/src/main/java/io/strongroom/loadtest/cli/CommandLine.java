package io.strongroom.loadtest.cli;

import io.strongroom.core.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Parses the command line into a {@link Command}. Flags take their value as the next argument or
 * after '=' ({@code --rate 2000} or {@code --rate=2000}).
 */
public final class CommandLine {

    /** What the process does. */
    public enum Mode {
        LOAD,
        EMBEDDED,
        BASELINE_SERVER,
        VAULT_STORM,
        HELP
    }

    /** A parsed command line. */
    public record Command(Mode mode, LoadTestOptions load, int port, VaultStormOptions vault) {}

    public static final String USAGE = """
      strongroom-loadtest: HdrHistogram load generator for the Strongroom block API.

      Usage:
        java -jar strongroom-loadtest.jar [load flags]                 load test a running gateway
        java -jar strongroom-loadtest.jar --embedded [load flags]      start gateway + local-vault in-process, test, stop
        java -jar strongroom-loadtest.jar --baseline-server --port N   plain Vert.x serving 8 KiB blocks from memory
        java -jar strongroom-loadtest.jar --vault-storm [vault flags]  concurrent unwraps (cold start of many volumes)

      Load flags:
        --target URL[,URL..]     gateway base URL(s), requests spread round-robin (default http://127.0.0.1:8080),
                                 or NBD exports: nbd://host[:port]/export, nbd+unix:///export?socket=PATH
        --token TOKEN            bearer token (or env STRONGROOM_TOKEN)
        --volumes a,b,..         volume names (default bench; HTTP only: an NBD target names its export)
        --create-volumes         create the volumes first (POST /v1/volumes; an existing one is fine)
        --block-size BYTES       block size (default 8192)
        --blocks-per-request K   blocks per request, ?count=K (default 1)
        --read-ratio R           share of GETs, 0..1 (default 1.0; 0.7 = 70% GET, 30% PUT)
        --sequential             sequential addresses per volume (default random)
        --working-set BLOCKS     addresses fall in [0, BLOCKS) (default 16384)
        --connections N          connections per target (default 64)
        --streams N              concurrent streams per HTTP/2 connection, or requests in flight per NBD
                                 connection (its queue depth; default 1)
        --http2                  HTTP/2: h2 over TLS via ALPN for https targets
        --h2c                    HTTP/2 over cleartext with prior knowledge (http targets)
        --trust PEM_FILE         trust these certificates for https targets
        --no-verify-host         do not check the server name against its certificate
        --rate R                 open model at R requests/s (latency from intended send time,
                                 coordinated omission corrected); without it: closed model
        --warmup DURATION        warm-up, not recorded (default 5s)
        --duration DURATION      measured duration (default 30s)
        --timeout DURATION       request timeout (default 10s)
        --event-loops N          client event loops (default 1)
        --realtime-loops         run the client event loops under SCHED_FIFO (Linux, chrt; root or
                                 CAP_SYS_NICE), so other threads and processes on their cores cannot
                                 delay the schedule
        --payloads N             distinct prebuilt PUT payloads per volume (default 16)
        --payload-seed N         build the payloads from this seed (default random), so another run can --verify
        --label TEXT             a name for this run in the reports
        --out DIR                report folder (default ./loadtest-report)
        --quiet                  no progress line

      NBD flags (nbd:// and nbd+unix:// targets):
        --verify                 compare every read with what the workload writes there (or zeros);
                                 a difference counts as verify-mismatch
        --fua                    writes carry NBD_CMD_FLAG_FUA
        --flush-every N          NBD_CMD_FLUSH after every N writes of an event loop (default 0 = never)

      Embedded flags (with --embedded; --target and --token are set to the in-process gateway):
        --durability fsync|none  the gateway's write durability (default fsync)
        --server-event-loops N   the gateway's event loops (default 1)
        --nbd                    also serve NBD (ephemeral loopback port) and run over NBD to the volumes

      Baseline server flags:
        --port N                 listen port on 127.0.0.1 (0 = ephemeral, printed); one event loop
        --block-size BYTES       block size served (default 8192)

      Vault storm flags:
        --unwraps N              concurrent cold-start unwraps, one per simulated volume (default 200)
        --concurrency N          unwraps in flight at once (default 64)
        --rounds N               storms to run (default 3)
        --vault-url URL          the vault (default: start local-vault in-process)
        --vault-endpoint URL=REGION  extra endpoint to spread requests over (repeatable)
        --vault-token TOKEN      bearer token for the vault (or env STRONGROOM_VAULT_TOKEN)
        --vault-key NAME         key to wrap/unwrap with (must exist on an external vault)
        --vault-trust PEM_FILE   trust for the vault's certificate
        --out DIR                report folder

      DURATION is a number and a unit (500ms, 30s, 1.5s, 10m, 1h) or ISO-8601 (PT30S).

      Reports in --out: corrected.hgrm, uncorrected.hgrm, corrected.hlog, uncorrected.hlog,
      summary.json, report.html (self-contained).
      """;

    private CommandLine() {}

    /** Parses args; IllegalArgumentException with a message naming the flag on bad input. */
    public static Command parse(String... args) {
        LoadTestOptions load = new LoadTestOptions();
        VaultStormOptions vault = new VaultStormOptions();
        Mode mode = Mode.LOAD;
        int port = 8080;
        String envToken = System.getenv("STRONGROOM_TOKEN");
        if (envToken != null && !envToken.isBlank()) {
            load.token(envToken);
        }
        String envVaultToken = System.getenv("STRONGROOM_VAULT_TOKEN");
        if (envVaultToken != null && !envVaultToken.isBlank()) {
            vault.token(envVaultToken);
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--help", "-h" -> mode = Mode.HELP;
                case "--embedded" -> mode = Mode.EMBEDDED;
                case "--baseline-server" -> mode = Mode.BASELINE_SERVER;
                case "--vault-storm" -> mode = Mode.VAULT_STORM;
                case "--create-volumes" -> load.createVolumes(true);
                case "--sequential" -> load.sequential(true);
                case "--random" -> load.sequential(false);
                case "--http2" -> load.protocol(LoadTestOptions.Protocol.HTTP2);
                case "--h2c" -> load.protocol(LoadTestOptions.Protocol.HTTP2).h2c(true);
                case "--http1" -> load.protocol(LoadTestOptions.Protocol.HTTP1);
                case "--no-verify-host" -> load.verifyHost(false);
                case "--quiet" -> load.quiet(true);
                case "--realtime-loops" -> load.realtimeLoops(true);
                case "--verify" -> load.verify(true);
                case "--fua" -> load.fua(true);
                case "--nbd" -> load.embeddedNbd(true);
                default -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(arg + ": missing value (see --help)");
                        }
                        value = args[++i];
                    }
                    port = applyValued(arg, value, load, vault, port);
                }
            }
        }
        if (load.embeddedNbd() && mode != Mode.EMBEDDED) {
            throw new IllegalArgumentException("--nbd: with --embedded only (a running server: --target nbd://...)");
        }
        if (mode != Mode.HELP) {
            load.validate();
            vault.validate();
        }
        return new Command(mode, load, port, vault);
    }

    private static int applyValued(String flag, String v, LoadTestOptions load, VaultStormOptions vault, int port) {
        switch (flag) {
            case "--target", "--targets" -> load.targets(list(v));
            case "--token" -> load.token(v);
            case "--volumes", "--volume" -> load.volumes(list(v));
            case "--block-size" -> load.blockSize(intValue(flag, v));
            case "--blocks-per-request" -> load.blocksPerRequest(intValue(flag, v));
            case "--read-ratio" -> load.readRatio(doubleValue(flag, v));
            case "--working-set" -> load.workingSetBlocks(longValue(flag, v));
            case "--connections" -> load.connections(intValue(flag, v));
            case "--streams" -> load.streamsPerConnection(intValue(flag, v));
            case "--trust" -> load.trustPem(Path.of(v));
            case "--rate" -> load.rate(doubleValue(flag, v));
            case "--warmup" -> load.warmup(duration(flag, v));
            case "--duration" -> load.duration(duration(flag, v));
            case "--timeout" -> load.requestTimeout(duration(flag, v));
            case "--event-loops" -> load.eventLoops(intValue(flag, v));
            case "--payloads" -> load.payloadsPerVolume(intValue(flag, v));
            case "--label" -> load.label(v);
            case "--flush-every" -> load.flushEvery(intValue(flag, v));
            case "--payload-seed" -> load.payloadSeed(longValue(flag, v));
            case "--durability" -> load.durability(v);
            case "--server-event-loops" -> load.serverEventLoops(intValue(flag, v));
            case "--out" -> {
                load.out(Path.of(v));
                vault.out(Path.of(v));
            }
            case "--port" -> {
                return intValue(flag, v);
            }
            case "--unwraps" -> vault.unwraps(intValue(flag, v));
            case "--concurrency" -> vault.concurrency(intValue(flag, v));
            case "--rounds" -> vault.rounds(intValue(flag, v));
            case "--vault-url" -> vault.vaultUrl(v);
            case "--vault-endpoint" -> vault.addEndpoint(v);
            case "--vault-token" -> vault.token(v);
            case "--vault-key" -> vault.keyName(v);
            case "--vault-trust" -> vault.trustPem(Path.of(v));
            default -> throw new IllegalArgumentException("unknown flag " + flag + " (see --help)");
        }
        return port;
    }

    private static List<String> list(String v) {
        return Arrays.stream(v.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    private static int intValue(String flag, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": not an integer: " + v);
        }
    }

    private static long longValue(String flag, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": not an integer: " + v);
        }
    }

    private static double doubleValue(String flag, String v) {
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": not a number: " + v);
        }
    }

    /** The gateway's duration forms ({@link Durations}), so a value that works there works here. */
    static Duration duration(String flag, String v) {
        try {
            return Durations.parse(v);
        } catch (Durations.InvalidDurationException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }
}
