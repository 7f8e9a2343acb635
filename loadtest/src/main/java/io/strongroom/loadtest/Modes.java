package io.strongroom.loadtest;

import io.strongroom.loadtest.baseline.BaselineServer;
import io.strongroom.loadtest.cli.CommandLine;
import io.strongroom.loadtest.load.LoadRun;
import io.strongroom.loadtest.load.RunResult;
import io.strongroom.loadtest.report.ReportWriter;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.CountDownLatch;

/** The process modes behind {@link Main}; each returns the exit status. */
final class Modes {

    private Modes() {}

    static int run(CommandLine.Command command) {
        try {
            return switch (command.mode()) {
                case LOAD -> load(command);
                case BASELINE_SERVER -> baseline(command);
                case EMBEDDED -> EmbeddedMode.run(command);
                case VAULT_STORM -> VaultStormMode.run(command);
                case HELP -> 0;
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        } catch (Exception e) {
            System.err.println("strongroom-loadtest: " + e);
            return 1;
        }
    }

    static int load(CommandLine.Command command) throws Exception {
        RunResult result = new LoadRun(command.load(), System.out::println).run();
        ReportWriter.write(result, command.load().out());
        System.out.println(ReportWriter.consoleSummary(result));
        System.out.println("reports in " + command.load().out().toAbsolutePath());
        return result.windowCount() > 0 ? 0 : 2;
    }

    static int baseline(CommandLine.Command command) throws InterruptedException {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
        BaselineServer server = BaselineServer.start(
                        vertx, "127.0.0.1", command.port(), command.load().blockSize())
                .await();
        System.out.printf(
                "baseline server listening on 127.0.0.1:%d (one event loop, native transport %s)%n",
                server.port(), vertx.isNativeTransportEnabled());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close().await();
                            stopped.countDown();
                        },
                        "baseline-shutdown"));
        stopped.await();
        return 0;
    }
}
