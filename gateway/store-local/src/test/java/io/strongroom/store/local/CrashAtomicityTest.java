package io.strongroom.store.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.Durability;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.ChildJvm;
import io.strongroom.core.testkit.store.SlotPattern;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process writing through the store with SIGKILL at random moments and checks the rule of atomic block
 * writes after each restart: every block holds its last acknowledged content or the content of a write (or trim)
 * that was in flight — never a mix, never anything else. A kill leaves the page cache intact, so this exercises
 * the process-crash half of the guarantee in both durability modes; the power-loss half (torn sectors, lost
 * unsynced pages) is covered by {@link JournalRecoveryTest}, which builds those states by hand.
 */
class CrashAtomicityTest {

    private static final int SLOT = 4096 + 48;
    private static final int WRITERS = 16;
    private static final int PER_WRITER = 8;
    private static final int BLOCKS = WRITERS * PER_WRITER;

    @TempDir
    Path dir;

    private Vertx vertx;
    private final UUID volume = UUID.randomUUID();
    private final Random random = new Random();

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stopVertx() throws Exception {
        Await.result(vertx.close());
    }

    @Test
    void fsyncModeSurvivesTwentyKills() throws Exception {
        killRepeatedly(Durability.FSYNC, 20);
    }

    @Test
    void noneModeSurvivesProcessKills() throws Exception {
        killRepeatedly(Durability.NONE, 6);
    }

    private void killRepeatedly(Durability durability, int kills) throws Exception {
        BlockStore store = open(durability);
        Await.result(store.createVolume(volume, SLOT, BLOCKS));
        Await.result(store.close());
        long[] current = new long[BLOCKS];
        int acknowledged = 0;
        long replayed = 0;
        int killedInFlight = 0;
        for (int run = 1; run <= kills; run++) {
            List<String> lines = runAndKill(durability, run * 1_000_000L);
            Model model = new Model(current);
            for (String line : lines) {
                model.apply(line);
            }
            acknowledged += model.acks;
            killedInFlight += model.inFlightCount() > 0 ? 1 : 0;
            BlockStore reopened = open(durability);
            replayed += LocalStats.detail(reopened, "recoveredRecords");
            current = verify(reopened, model, "run " + run);
        }
        assertTrue(acknowledged > kills * 10, "the children made progress: " + acknowledged + " acknowledgements");
        assertTrue(killedInFlight > kills / 2, "most kills hit writes in flight: " + killedInFlight + " of " + kills);
        assertTrue(replayed > 0, "recovery replayed journal records after the kills");
    }

    /** Checks every block of the just recovered store against the model, closes it, returns what it found. */
    private long[] verify(BlockStore store, Model model, String when) throws Exception {
        byte[] slots;
        try {
            slots = Await.result(store.read(volume, 0, BLOCKS)).getBytes();
        } finally {
            Await.result(store.close());
        }
        long[] found = new long[BLOCKS];
        for (int b = 0; b < BLOCKS; b++) {
            found[b] = SlotPattern.generationOf(slots, b * SLOT, SLOT, b);
            if (found[b] == SlotPattern.TORN) {
                fail(when + ": block " + b + " is torn (a mix of writes)");
            }
            if (found[b] != model.acked[b] && !model.inFlight.get(b).contains(found[b])) {
                fail(when + ": block " + b + " holds generation " + found[b] + "; last acknowledged " + model.acked[b]
                        + ", in flight " + model.inFlight.get(b));
            }
        }
        return found;
    }

    private List<String> runAndKill(Durability durability, long firstGeneration) throws Exception {
        Path log = dir.resolve("child-" + firstGeneration + ".log");
        try (ChildJvm child = ChildJvm.start(
                "writer-" + firstGeneration,
                dir,
                List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"),
                CrashWriterMain.class,
                List.of(
                        dir.toString(),
                        durability.configName(),
                        volume.toString(),
                        String.valueOf(SLOT),
                        String.valueOf(WRITERS),
                        String.valueOf(PER_WRITER),
                        String.valueOf(firstGeneration),
                        log.toString()))) {
            await("the child acknowledging writes")
                    .atMost(ChildJvm.PATIENCE)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        if (!child.isAlive()) {
                            throw new AssertionError("child died early:\n" + child.log());
                        }
                        return acknowledgements(log) >= 10;
                    });
            // The thing under test: a SIGKILL at a random moment of the write stream, not a synchronisation.
            Thread.sleep(random.nextInt(400));
            child.kill();
        }
        List<String> complete = new ArrayList<>();
        for (String line : Files.readAllLines(log, StandardCharsets.US_ASCII)) {
            if (line.endsWith(";")) {
                complete.add(line);
            }
        }
        assertEquals("READY;", complete.get(0));
        return complete;
    }

    private static long acknowledgements(Path log) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(log, StandardCharsets.US_ASCII)) {
            return lines.filter(l -> l.startsWith("A ")).count();
        }
    }

    private BlockStore open(Durability durability) throws Exception {
        return Await.result(LocalFileBlockStore.open(
                vertx,
                new LocalFileBlockStoreOptions()
                        .setDataDir(dir)
                        .setDurability(durability)
                        .setIoThreads(2)));
    }

    /** What the child's log allows per block: its last acknowledged generation and those in flight. */
    private static final class Model {
        final long[] acked;
        final List<Set<Long>> inFlight = new ArrayList<>();
        int acks;

        Model(long[] start) {
            acked = start.clone();
            for (int b = 0; b < start.length; b++) {
                inFlight.add(new HashSet<>());
            }
        }

        void apply(String line) {
            if (line.startsWith("FAILED")) {
                fail("child operation failed: " + line);
            }
            if (!line.startsWith("I ") && !line.startsWith("A ")) {
                return;
            }
            String[] f = line.substring(2, line.length() - 1).split(" ");
            int first = Integer.parseInt(f[0]);
            int count = Integer.parseInt(f[1]);
            long generation = Long.parseLong(f[2]);
            for (int b = first; b < first + count; b++) {
                if (line.startsWith("I ")) {
                    inFlight.get(b).add(generation);
                } else {
                    inFlight.get(b).remove(generation);
                    acked[b] = generation;
                }
            }
            if (line.startsWith("A ")) {
                acks++;
            }
        }

        int inFlightCount() {
            return inFlight.stream().mapToInt(Set::size).sum();
        }
    }
}
