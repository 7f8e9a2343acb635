package io.strongroom.store.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.Durability;
import io.strongroom.core.store.StoreSnapshot;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.ChildJvm;
import io.strongroom.core.testkit.store.SlotPattern;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Snapshots across SIGKILL: a child process ({@link CrashWriterMain} with snapshots) keeps sixteen writers busy while
 * it takes snapshots one after another and deletes the oldest, and is killed at a random moment, several times. After
 * each kill the store is reopened and checked against the child's log:
 * <ul>
 *   <li>every snapshot acknowledged (and not asked to be deleted) is there; none whose deletion was acknowledged
 *       is;</li>
 *   <li>each block of each snapshot holds what the oracle allows: the generation last acknowledged for the block
 *       when the snapshot was asked for ({@code SI}), or one in flight then, or one issued before the snapshot was
 *       acknowledged ({@code SA}; for a snapshot the kill cut short, before the end of the log) — never an older
 *       generation and never one issued after the acknowledgement;</li>
 *   <li>a snapshot that survives a kill keeps exactly the content it was found with after the kill before.</li>
 * </ul>
 */
class SnapshotCrashTest {

    private static final int SLOT = 4096 + 48;
    private static final int WRITERS = 16;
    private static final int PER_WRITER = 4;
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
    void stopVertx() {
        Await.result(vertx.close());
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void snapshotsKeepTheirPointInTimeAcrossKills(Durability durability) throws Exception {
        BlockStore store = open(durability);
        Await.result(store.createVolume(volume, SLOT, BLOCKS));
        Await.result(store.close());
        long[] current = new long[BLOCKS];
        Map<String, long[]> known = new HashMap<>();
        int checked = 0;
        for (int run = 1; run <= 4; run++) {
            List<String> lines = runAndKill(durability, run);
            Model model = new Model(current);
            lines.forEach(model::apply);
            BlockStore reopened = open(durability);
            try {
                byte[] slots = Await.result(reopened.read(volume, 0, BLOCKS)).getBytes();
                current = SlotPattern.generationsOf(slots, SLOT, 0);
                for (int b = 0; b < BLOCKS; b++) {
                    if (current[b] != model.acked[b] && !model.inFlight.get(b).contains(current[b])) {
                        fail("run " + run + ": volume block " + b + " holds " + current[b]);
                    }
                }
                Map<String, StoreSnapshot> present = new HashMap<>();
                for (StoreSnapshot s : Await.result(reopened.snapshots(volume))) {
                    present.put(s.name(), s);
                }
                for (String name : model.acknowledged) {
                    assertTrue(present.containsKey(name), "run " + run + ": acknowledged snapshot " + name + " lost");
                }
                for (String name : model.deleted) {
                    assertFalse(present.containsKey(name), "run " + run + ": deleted snapshot " + name + " is back");
                }
                for (StoreSnapshot s : present.values()) {
                    long[] content = SlotPattern.generationsOf(
                            Await.result(reopened.readSnapshot(volume, s.id(), 0, BLOCKS))
                                    .getBytes(),
                            SLOT,
                            0);
                    long[] before = known.get(s.name());
                    if (before != null) {
                        assertArrayEquals(before, content, "run " + run + ": snapshot " + s.name() + " changed");
                        continue;
                    }
                    List<Set<Long>> allowed = model.windows.get(s.name());
                    assertTrue(allowed != null, "run " + run + ": snapshot " + s.name() + " was never asked for");
                    for (int b = 0; b < BLOCKS; b++) {
                        if (!allowed.get(b).contains(content[b])) {
                            fail("run " + run + ": snapshot " + s.name() + " block " + b + " holds " + content[b]
                                    + ", allowed " + allowed.get(b));
                        }
                    }
                    known.put(s.name(), content);
                    checked++;
                }
                known.keySet().retainAll(present.keySet());
            } finally {
                Await.result(reopened.close());
            }
        }
        assertTrue(checked >= 4, "snapshots were taken and checked: " + checked);
    }

    private List<String> runAndKill(Durability durability, int run) throws Exception {
        Path log = dir.resolve("child-" + run + ".log");
        long firstGeneration = run * 1_000_000L;
        try (ChildJvm child = ChildJvm.start(
                "snapshotter-" + run,
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
                        log.toString(),
                        "snapshots",
                        "r" + run))) {
            await("the child acknowledging snapshots")
                    .atMost(ChildJvm.PATIENCE)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        if (!child.isAlive()) {
                            throw new AssertionError("child died early:\n" + child.log());
                        }
                        return count(log, "SA ") >= 2;
                    });
            // The thing under test: a SIGKILL at a random moment, not a synchronisation.
            Thread.sleep(random.nextInt(300));
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

    private static long count(Path log, String prefix) throws Exception {
        if (!Files.exists(log)) {
            return 0;
        }
        return Files.readAllLines(log, StandardCharsets.US_ASCII).stream()
                .filter(l -> l.startsWith(prefix) && l.endsWith(";"))
                .count();
    }

    private BlockStore open(Durability durability) {
        return Await.result(LocalFileBlockStore.open(
                vertx, new LocalFileBlockStoreOptions().setDataDir(dir).setDurability(durability)));
    }

    /** The child's log replayed: per block the last acknowledged and the in-flight generations; per snapshot its window. */
    private static final class Model {
        final long[] acked;
        final List<Set<Long>> inFlight = new ArrayList<>();
        final Map<String, List<Set<Long>>> windows = new HashMap<>();
        final Set<String> open = new HashSet<>();
        final Set<String> acknowledged = new HashSet<>();
        final Set<String> deleted = new HashSet<>();

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
            String body = line.substring(line.indexOf(' ') + 1, line.length() - 1);
            if (line.startsWith("SI ")) {
                List<Set<Long>> window = new ArrayList<>();
                for (int b = 0; b < acked.length; b++) {
                    Set<Long> allowed = new HashSet<>(inFlight.get(b));
                    allowed.add(acked[b]);
                    window.add(allowed);
                }
                windows.put(body, window);
                open.add(body);
            } else if (line.startsWith("SA ")) {
                open.remove(body);
                acknowledged.add(body);
            } else if (line.startsWith("DI ")) {
                acknowledged.remove(body); // being deleted: there or not after a kill
            } else if (line.startsWith("DA ")) {
                deleted.add(body);
            } else if (line.startsWith("I ") || line.startsWith("A ")) {
                String[] f = body.split(" ");
                int first = Integer.parseInt(f[0]);
                int count = Integer.parseInt(f[1]);
                long generation = Long.parseLong(f[2]);
                for (int b = first; b < first + count; b++) {
                    if (line.startsWith("I ")) {
                        inFlight.get(b).add(generation);
                        for (String name : open) {
                            windows.get(name).get(b).add(generation);
                        }
                    } else {
                        inFlight.get(b).remove(generation);
                        acked[b] = generation;
                    }
                }
            }
        }
    }
}
