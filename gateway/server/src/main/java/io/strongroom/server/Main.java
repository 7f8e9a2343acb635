package io.strongroom.server;

import io.strongroom.server.config.ConfigException;
import io.strongroom.server.config.ConfigLoader;
import io.strongroom.server.config.Failures;
import io.strongroom.server.config.GatewayConfig;
import io.strongroom.server.config.LogFormat;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar gateway/server/target/strongroom-gateway.jar [--config FILE] [flags]}: loads the configuration,
 * starts the gateway, prints one line with its URL and the credentials file, and shuts down gracefully on
 * SIGTERM or Ctrl-C. {@code --version} prints the version and commit and {@code --help} the settings, starting
 * nothing. The log goes to standard error in the configured {@link Logging} format. A bad setting ends the process with one line naming it (exit code 2); a data directory held
 * by another gateway with one line naming the holder (exit code 1), as does any other start-up failure (its causes'
 * messages joined, the operating system's reason included: a port in use, a data directory that cannot be written).
 */
public final class Main {
    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {}

    public static void main(String[] args) {
        if (ConfigLoader.wantsHelp(args)) {
            System.out.print(ConfigLoader.help());
            return;
        }
        if (ConfigLoader.wantsVersion(args)) {
            System.out.println(BuildInfo.versionLine());
            return;
        }
        GatewayConfig config;
        try {
            config = ConfigLoader.load(args, System.getenv());
        } catch (ConfigException e) {
            System.err.println("strongroom: " + e.getMessage());
            System.exit(2);
            return;
        }
        Logging.install(config.getLogFormat());
        LOG.log(Level.INFO, BuildInfo.versionLine());
        config.loadWarnings().forEach(w -> LOG.log(Level.WARNING, w));
        Vertx vertx = Vertx.builder().with(Gateway.vertxOptions(config)).build();
        if (!vertx.isNativeTransportEnabled()) {
            LOG.log(
                    Level.INFO,
                    "native epoll transport unavailable, using NIO: {0}",
                    String.valueOf(vertx.unavailableNativeTransportCause()));
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(vertx, config)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            boolean oneLine = cause instanceof ConfigException || cause instanceof DataDirInUseException;
            String line = oneLine ? cause.getMessage() : "start-up failed: " + Failures.describe(cause);
            if (config.getLogFormat() == LogFormat.JSON) {
                // a log collector reading JSON lines gets the reason as a record too
                LOG.log(Level.ERROR, line);
            } else {
                System.err.println("strongroom: " + line);
            }
            vertx.close();
            System.exit(cause instanceof ConfigException ? 2 : 1);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(vertx, gateway), "strongroom-shutdown"));
        System.out.println("Strongroom gateway listening on " + gateway.baseUrl() + " — credentials: "
                + gateway.credentialsFile());
    }

    /** Graceful: in-flight requests finish, volumes flush and close, DEKs are destroyed, then Vert.x stops. */
    private static void stop(Vertx vertx, Gateway gateway) {
        CompletableFuture<Void> done =
                gateway.close().eventually(vertx::close).toCompletionStage().toCompletableFuture();
        try {
            done.get(60, TimeUnit.SECONDS);
            // java.util.logging shuts down in its own hook, so this goes to stderr directly.
            System.err.println("strongroom: stopped (requests finished, volumes flushed and closed, keys destroyed)");
        } catch (Exception e) {
            System.err.println("strongroom: shutdown did not complete cleanly: " + e);
        }
    }
}
