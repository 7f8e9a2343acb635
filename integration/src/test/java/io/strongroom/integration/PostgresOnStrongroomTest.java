package io.strongroom.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real PostgreSQL 15 on a Strongroom volume: {@code scripts/pg-on-strongroom.sh} against the gateway jar and a
 * local-vault jar holding the customer key. It proves that pgbench runs on encrypted blocks through nbdfuse → loop →
 * ext4, that a SIGKILLed gateway loses no transaction pgbench saw commit (PostgreSQL crash recovery, pg_amcheck
 * clean), and that a disabled key stops PostgreSQL's I/O only after the grace period and loses nothing once
 * re-enabled and revalidated, and that a snapshot taken under load and cloned under a new key starts as a consistent
 * cluster (every row committed before the snapshot, none after; pg_amcheck and pg_checksums clean). The script checks
 * each step and exits non-zero on the first failure; this test runs
 * it, asserts its exit code and summary lines, and prints them with the log directory.
 *
 * <p>Tagged {@code heavy} (several minutes, root, PostgreSQL installed): CI runs it once, on JDK 17
 * ({@code -DexcludedGroups=heavy} on the other JDK).
 */
@Tag("heavy")
class PostgresOnStrongroomTest {
    /** Bounds a hang of the whole scenario on a loaded machine (it takes 3-5 minutes here); not a performance bound. */
    private static final Duration SCENARIO_TIMEOUT = Duration.ofMinutes(30);

    @Test
    void postgresSurvivesAGatewayCrashAndAKeyLossWithoutLosingACommit() throws Exception {
        Tools.require(
                "nbdfuse",
                "fusermount3",
                "losetup",
                "mkfs.ext4",
                "e2fsck",
                "curl",
                "pgrep",
                "runuser",
                "initdb",
                "pg_ctl",
                "psql",
                "pgbench",
                "pg_amcheck",
                "pg_checksums");
        Tools.requireRoot();
        Path logs = TestFiles.logDir("PostgresOnStrongroomTest");
        Path script =
                Path.of(System.getProperty("strongroom.scripts", "scripts")).resolve("pg-on-strongroom.sh");
        ExternalProcess scenario = ExternalProcess.start(
                "scenario",
                logs,
                List.of(
                        "bash",
                        script.toString(),
                        "--gateway-jar",
                        System.getProperty("strongroom.gatewayJar"),
                        "--vault-jar",
                        System.getProperty("strongroom.vaultJar"),
                        "--logs",
                        logs.toString()),
                Map.of("JAVA_HOME", System.getProperty("java.home")));
        int exit;
        try {
            exit = scenario.awaitExit(SCENARIO_TIMEOUT);
        } finally {
            scenario.close(); // SIGTERM: the script's trap removes mounts, loop devices and processes
        }
        String out = scenario.output();
        out.lines().filter(l -> l.startsWith("SUMMARY")).forEach(System.out::println);
        assertEquals(0, exit, () -> "scenario failed; logs in " + logs + "\n" + out + scenario.log());
        assertTrue(out.contains("SUMMARY result: PASS"), out);

        Matcher baseline = Pattern.compile("SUMMARY baseline: .* tps [0-9.]+, (\\d+) transactions, (\\d+) NBD flushes")
                .matcher(out);
        assertTrue(baseline.find(), out);
        assertTrue(Long.parseLong(baseline.group(1)) > 0, out);
        assertTrue(Long.parseLong(baseline.group(2)) > 0, "PostgreSQL's fdatasync did not reach the gateway:\n" + out);

        Matcher crash = Pattern.compile("SUMMARY crash: pgbench committed (\\d+), history rows (\\d+)")
                .matcher(out);
        assertTrue(crash.find(), out);
        long committed = Long.parseLong(crash.group(1));
        long rows = Long.parseLong(crash.group(2));
        assertTrue(committed > 0, "no transaction committed before the gateway was killed:\n" + out);
        assertTrue(rows >= committed, "committed transactions missing after the crash:\n" + out);

        Matcher keyLoss = Pattern.compile(
                        "SUMMARY keyloss: DEGRADED after [0-9.]+ s, 5/5 commits during the grace period \\(\\d+ NBD flushes\\),"
                                + " INACCESSIBLE after [0-9.]+ s \\(grace \\d+ s\\), PostgreSQL I/O failed: yes \\(NBD EIO answers \\d+;")
                .matcher(out);
        assertTrue(keyLoss.find(), out);
        Matcher keyLossRecovery = Pattern.compile(
                        "SUMMARY keyloss recovery: .* pgbench committed (\\d+), history rows (\\d+), grace commits 5/5"
                                + " present; pg_amcheck clean")
                .matcher(out);
        assertTrue(keyLossRecovery.find(), out);
        assertTrue(
                Long.parseLong(keyLossRecovery.group(2)) >= Long.parseLong(keyLossRecovery.group(1)),
                "committed transactions missing after the key loss:\n" + out);
        assertTrue(out.contains("pg_amcheck clean"), out);

        Matcher clone = Pattern.compile("SUMMARY clone: (\\d+) blocks re-sealed under a new key in [0-9.]+ s .*"
                        + "history rows (\\d+) in \\[(\\d+), (\\d+)\\], marks 100/100; .*pg_amcheck clean;"
                        + " pg_checksums clean")
                .matcher(out);
        assertTrue(clone.find(), out);
        assertTrue(Long.parseLong(clone.group(1)) > 0, "nothing was re-sealed into the clone:\n" + out);
        long cloneRows = Long.parseLong(clone.group(2));
        assertTrue(
                cloneRows >= Long.parseLong(clone.group(3)) && cloneRows <= Long.parseLong(clone.group(4)),
                "the clone's rows are not the snapshot's moment:\n" + out);
    }
}
