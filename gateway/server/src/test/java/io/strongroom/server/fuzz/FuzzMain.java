package io.strongroom.server.fuzz;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The fuzzer against a gateway running elsewhere (bench/fuzz.sh starts a {@code ./strongroom} process), for runs
 * larger than the suite's: the same generator and judgement as {@code GatewayFuzzTest}.
 *
 * <p>Usage: {@code FuzzMain <port> <tokens.json of the five tokens in clear> <count> <seed> [workers]}. Prints the
 * summary and the violations; exits 1 when there is one or when the protected blocks changed.
 */
public final class FuzzMain {
    private FuzzMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: FuzzMain <port> <clear-tokens.json> <count> <seed> [workers]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        JsonObject t = new JsonObject(Files.readString(Path.of(args[1])));
        RequestFuzzer.Tokens tokens = new RequestFuzzer.Tokens(
                t.getString("admin"),
                t.getString("dataAll"),
                t.getString("dataA"),
                t.getString("volumeAdmin"),
                t.getString("keyAdmin"));
        int count = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        int workers = args.length > 4 ? Integer.parseInt(args[4]) : 4;

        FuzzRun run = new FuzzRun("127.0.0.1", port, seed, tokens);
        run.setUp();
        long started = System.nanoTime();
        run.run(count, workers);
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        List<String> problems = run.verify();
        System.out.println("fuzz: " + run.summary() + "; " + seconds + " s");
        run.violations().forEach(v -> System.out.println("fuzz: violation: " + v));
        System.out.println("fuzz: protected blocks and a fresh volume after the run: "
                + (problems.isEmpty() ? "unchanged, served" : problems));
        System.exit(problems.isEmpty() && run.violationCount() == 0 ? 0 : 1);
    }
}
