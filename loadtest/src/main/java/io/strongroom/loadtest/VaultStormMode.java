package io.strongroom.loadtest;

import io.strongroom.loadtest.cli.CommandLine;
import io.strongroom.loadtest.vault.RoundResult;
import io.strongroom.loadtest.vault.VaultStorm;
import io.strongroom.loadtest.vault.VaultStormReport;
import java.util.List;

/** --vault-storm: concurrent cold-start unwraps against a key vault, reports into --out. */
final class VaultStormMode {

    private VaultStormMode() {}

    static int run(CommandLine.Command command) throws Exception {
        List<RoundResult> rounds = new VaultStorm(command.vault(), System.out::println).run();
        VaultStormReport.write(
                rounds, command.vault().concurrency(), command.vault().out());
        System.out.println("reports in " + command.vault().out().toAbsolutePath());
        boolean clean = rounds.stream().allMatch(r -> r.failures() == 0 && r.mismatches() == 0);
        return clean ? 0 : 3;
    }
}
