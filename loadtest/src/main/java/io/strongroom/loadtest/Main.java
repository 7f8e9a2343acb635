package io.strongroom.loadtest;

import io.strongroom.loadtest.cli.CommandLine;
import io.strongroom.server.Logging;
import io.strongroom.server.config.LogFormat;

/**
 * Entry point of {@code java -jar strongroom-loadtest.jar}. Sets the Vert.x switches from
 * PERF-NOTES before any Vert.x class loads (they are read once, in static initializers), then hands
 * over to {@link Modes}. A switch given on the command line with -D wins.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        CommandLine.Command command;
        try {
            command = CommandLine.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("strongroom-loadtest: " + e.getMessage());
            System.exit(64);
            return;
        }
        if (command.mode() == CommandLine.Mode.HELP) {
            System.out.print(CommandLine.USAGE);
            return;
        }
        // The embedded gateway's and the clients' log records in the gateway's one-line format.
        Logging.install(LogFormat.HUMAN);
        fastVertxSwitches(command.mode());
        System.exit(Modes.run(command));
    }

    private static void fastVertxSwitches(CommandLine.Mode mode) {
        setIfAbsent("vertx.disableMetrics", "true");
        setIfAbsent("vertx.disableContextTimings", "true");
        setIfAbsent("vertx.disableHttpHeadersValidation", "true");
        setIfAbsent("vertx.disableWebsockets", "true");
        if (mode == CommandLine.Mode.BASELINE_SERVER) {
            // the baseline serves HTTP/1.1 only; the client keeps h2c for --h2c
            setIfAbsent("vertx.disableH2c", "true");
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
