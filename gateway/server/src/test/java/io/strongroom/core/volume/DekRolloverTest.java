package io.strongroom.core.volume;

import static io.strongroom.core.volume.VolumeTestKit.awaitFailure;
import static io.strongroom.core.volume.VolumeTestKit.pattern;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.activity.ActivityType;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.testkit.Await;
import io.strongroom.crypto.BlockSealer;
import io.strongroom.crypto.DekId;
import io.strongroom.crypto.SealedBlockLayout;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * DEK rollover: on demand under concurrent load, automatic by seal count, and resumed after a restart. The
 * background re-seal moves every block to the new DEK without failing a request or losing a client's write, then
 * the old DEK leaves the metadata and memory.
 */
class DekRolloverTest extends WithVolumeKit {
    static final int BS = 4096;
    static final int BLOCKS = 1024;

    @Test
    void rolloverAndReSealUnderLoad() throws Exception {
        // Paced so that the pass takes at least 4 s (a loaded machine only makes it slower): the test sees it midway.
        reopen(o -> o.setResealBlocksPerSecond(BLOCKS / 4).setResealBatchBlocks(16));
        VolumeInfo before = filledVolume("r");
        DekId oldDek = DekId.parse(before.dekIds().get(0));

        VolumeLoad load = VolumeLoad.start(kit.service, "r", BS, BLOCKS, 6);
        load.awaitProgress(30);
        VolumeInfo rolled = Await.result(kit.service.rollover("r"));
        assertEquals(2, rolled.dekIds().size());
        assertEquals(oldDek.toString(), rolled.dekIds().get(1), "the old DEK stays for reading, the new one is active");
        assertNotNull(rolled.rollover());
        awaitFailure(kit.service.rollover("r"), ErrorCode.RolloverInProgress);
        VolumeInfo midway =
                waitFor("r", i -> i.rollover() != null && i.rollover().scanned() > 0);
        VolumeInfo done = waitFor("r", i -> i.rollover() == null);
        load.awaitProgress(30);
        load.stop();

        assertEquals(List.of(), load.failures(), "no request may fail during rollover and re-seal");
        assertTrue(load.requests() > 100, "the load ran: " + load.requests());
        assertEquals(BLOCKS, midway.rollover().total());
        assertTrue(midway.rollover().scanned() <= BLOCKS, midway.rollover().toString());
        assertEquals(2, midway.dekIds().size(), "both DEKs while the pass runs");
        DekId newDek = DekId.parse(done.dekIds().get(0));
        assertEquals(List.of(newDek.toString()), done.dekIds(), "the old DEK is dropped at the end");
        assertFalse(kit.keys.dekCache().contains(oldDek), "and destroyed");
        JsonObject doc = kit.metadataDocument(done);
        assertEquals(1, doc.getJsonArray("deks").size());
        assertNull(doc.getValue("reseal"));
        assertEquals(Set.of(newDek), dekIdsOnDisk(done), "every block is sealed by the new DEK");
        List<ActivityType> events = kit.keys.activityLog().recent("r", null, 20).stream()
                .map(e -> e.type())
                .toList();
        assertTrue(events.contains(ActivityType.ROLLOVER) && events.contains(ActivityType.RESEAL), events.toString());

        kit.restart();
        readsBack("r", load);
    }

    @Test
    void rolloverStartsOnItsOwnBeforeTheSealLimit() throws Exception {
        reopen(o -> o.setRolloverAtSeals(40).setResealBlocksPerSecond(100_000));
        VolumeInfo before = Await.result(kit.service.create(new VolumeSpec("auto", (long) BS * 64, BS, null, null)));
        for (int b = 0; b < 48; b++) {
            Await.result(kit.service.write("auto", b, pattern(BS, 1, b)));
        }
        VolumeInfo after =
                waitFor("auto", i -> i.rollover() == null && !i.dekIds().equals(before.dekIds()));
        assertEquals(1, after.dekIds().size());
        assertNotEquals(before.dekIds(), after.dekIds());
        assertEquals(
                48,
                after.counters().dekInvocations(),
                "the new DEK counts from zero and sealed each block once (by a write after the rollover or the re-seal)");
        for (int b = 0; b < 48; b++) {
            assertEquals(pattern(BS, 1, b), Await.result(kit.service.read("auto", b, 1)));
        }
    }

    @Test
    void anInterruptedReSealResumesAfterARestart() throws Exception {
        // Paced so that the pass takes at least 2.5 s; the service stops once a checkpoint is on disk.
        reopen(o -> o.setResealBlocksPerSecond(400).setResealCheckpointInterval(Duration.ofMillis(100)));
        VolumeInfo before = filledVolume("slow");
        Await.result(kit.service.rollover("slow"));
        await("a re-seal checkpoint on disk").atMost(Await.DEFAULT_TIMEOUT).until(() -> {
            JsonObject reseal = kit.metadataDocument(before).getJsonObject("reseal");
            return reseal != null && reseal.getLong("scanned") > 0;
        });
        kit.closeService();
        kit.open();
        VolumeInfo reopened = Await.result(kit.service.get("slow"));
        assertNotNull(reopened.rollover(), "the pass was not done when the service stopped");
        assertTrue(reopened.rollover().scanned() > 0, "progress was checkpointed: " + reopened.rollover());
        assertEquals(2, reopened.dekIds().size());
        VolumeInfo done = waitFor("slow", i -> i.rollover() == null);
        assertEquals(1, done.dekIds().size());
        assertFalse(done.dekIds().contains(before.dekIds().get(0)));
        assertEquals(Set.of(DekId.parse(done.dekIds().get(0))), dekIdsOnDisk(done));
        for (int b = 0; b < BLOCKS; b += 64) {
            assertEquals(initialRun(b, 64), Await.result(kit.service.read("slow", b, 64)));
        }
    }

    private void reopen(java.util.function.Consumer<VolumeServiceOptions> tuning) {
        kit.tuning = tuning;
        kit.restart();
    }

    /** A volume whose every block holds its initial pattern, written under its first DEK. */
    private VolumeInfo filledVolume(String name) {
        Await.result(kit.service.create(new VolumeSpec(name, (long) BS * BLOCKS, BS, null, null)));
        for (int b = 0; b < BLOCKS; b += 64) {
            Await.result(kit.service.write(name, b, initialRun(b, 64)));
        }
        return Await.result(kit.service.get(name));
    }

    private static Buffer initialRun(int first, int count) {
        Buffer run = Buffer.buffer(BS * count);
        for (int i = 0; i < count; i++) {
            run.appendBuffer(pattern(BS, 1, VolumeLoad.initialSeed(first + i)));
        }
        return run;
    }

    /** The volume's info once it meets {@code condition}. */
    private VolumeInfo waitFor(String name, Predicate<VolumeInfo> condition) {
        VolumeInfo[] last = new VolumeInfo[1];
        await("volume " + name + " reaching the expected state")
                .atMost(Await.DEFAULT_TIMEOUT)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> condition.test(last[0] = Await.result(kit.service.get(name))));
        return last[0];
    }

    /** The DEK ids named by the written slots of the volume, read straight from the store. */
    private Set<DekId> dekIdsOnDisk(VolumeInfo info) {
        int slotSize = BlockSealer.sealedSize(info.blockSize());
        Set<DekId> ids = new HashSet<>();
        for (long b = 0; b < info.blockCount(); b += 64) {
            Buffer slots = Await.result(kit.store.read(info.id(), b, 64));
            for (int i = 0; i < 64; i++) {
                ByteBuffer slot = ByteBuffer.wrap(slots.getBytes(i * slotSize, (i + 1) * slotSize));
                if (!SealedBlockLayout.isAllZero(slot)) {
                    ids.add(SealedBlockLayout.dekIdOf(slot));
                }
            }
        }
        return ids;
    }

    private void readsBack(String name, VolumeLoad load) {
        for (int b = 0; b < BLOCKS; b++) {
            assertEquals(
                    pattern(BS, 1, load.expectedSeed(b)), Await.result(kit.service.read(name, b, 1)), "block " + b);
        }
    }
}
