package io.strongroom.loadtest;

import io.strongroom.loadtest.cli.CommandLine;
import io.strongroom.loadtest.cli.LoadTestOptions;
import io.strongroom.loadtest.embedded.EmbeddedGateway;
import io.strongroom.loadtest.load.LoadRun;
import io.strongroom.loadtest.load.RunResult;
import io.strongroom.loadtest.report.ReportWriter;
import java.util.List;

/**
 * --embedded: start the gateway and its local-vault in-process on loopback, create the volumes with
 * the generated admin token, run the test (over HTTP, or with --nbd over the gateway's NBD frontend), print the
 * summary, stop. The one-command demonstration.
 */
final class EmbeddedMode {

    private EmbeddedMode() {}

    static int run(CommandLine.Command command) throws Exception {
        LoadTestOptions o = command.load();
        try (EmbeddedGateway gateway = EmbeddedGateway.start(o.durability(), o.serverEventLoops(), o.embeddedNbd())) {
            System.out.printf(
                    "embedded gateway at %s (local-vault in-process, durability %s, data in %s)%n",
                    gateway.baseUrl(), o.durability(), gateway.dataDir());
            o.targets(List.of(gateway.baseUrl())).token(gateway.adminToken()).createVolumes(true);
            if (o.embeddedNbd()) {
                gateway.createVolumes(o);
                o.createVolumes(false)
                        .targets(o.volumes().stream().map(gateway::nbdUri).toList());
                System.out.println("over NBD: " + String.join(", ", o.targets()));
            }
            if (o.label().isEmpty()) {
                o.label("embedded gateway" + (o.embeddedNbd() ? " over NBD" : "") + ", durability " + o.durability());
            }
            RunResult run = new LoadRun(o, System.out::println).run();
            RunResult result = run.withMachine(run.machine().withGateway(gateway.jvmFacts()));
            ReportWriter.write(result, o.out());
            System.out.println(ReportWriter.consoleSummary(result));
            System.out.println("reports in " + o.out().toAbsolutePath());
            return result.windowCount() > 0 ? 0 : 2;
        }
    }
}
