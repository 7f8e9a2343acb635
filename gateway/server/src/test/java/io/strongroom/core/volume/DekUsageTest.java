package io.strongroom.core.volume;

import static io.strongroom.core.volume.VolumeTestKit.pattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DEK seal count is persisted ahead of use and never goes backwards across restarts. */
class DekUsageTest extends WithVolumeKit {
    static final int BS = 4096;

    @Test
    void usageSurvivesRestartsAndNeverGoesBackwards() {
        VolumeInfo info = Await.result(kit.service.create(new VolumeSpec("u", BS * 64L, BS, null, null)));
        assertEquals(0, info.counters().dekInvocations());
        assertEquals(DekBudget.RESERVATION_STEP, persistedReservation(info), "creation reserves the first step");

        Await.result(kit.service.write("u", 0, pattern(BS, 10, 1)));
        long beforeRestart = Await.result(kit.service.get("u")).counters().dekInvocations();
        assertEquals(10, beforeRestart);

        kit.restart();
        long afterRestart = Await.result(kit.service.get("u")).counters().dekInvocations();
        assertTrue(afterRestart >= beforeRestart, afterRestart + " < " + beforeRestart);
        assertEquals(DekBudget.RESERVATION_STEP, afterRestart, "adopted with the persisted reservation");
        assertEquals(pattern(BS, 10, 1), Await.result(kit.service.read("u", 0, 10)));

        // The first write after a restart seals beyond the adopted count: a new reservation is persisted first.
        Await.result(kit.service.write("u", 10, pattern(BS, 3, 2)));
        long afterWrite = Await.result(kit.service.get("u")).counters().dekInvocations();
        assertEquals(afterRestart + 3, afterWrite);
        assertEquals(
                afterWrite + DekBudget.RESERVATION_STEP,
                persistedReservation(info),
                "the new reservation covers the claimed count plus one step");

        kit.restart();
        assertTrue(Await.result(kit.service.get("u")).counters().dekInvocations() >= afterWrite);
        assertEquals(pattern(BS, 3, 2), Await.result(kit.service.read("u", 10, 3)));
    }

    @Test
    void concurrentWritesNeverSealBeyondTheDurableReservation() {
        VolumeInfo info = Await.result(kit.service.create(new VolumeSpec("c", BS * 64L, BS, null, null)));
        kit.restart(); // count = reservation: every write below needs a new one, all racing for it
        long start = Await.result(kit.service.get("c")).counters().dekInvocations();
        List<Future<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            writes.add(kit.service.write("c", i * 2, pattern(BS, 2, i)));
        }
        Await.result(Future.all(writes));
        long end = Await.result(kit.service.get("c")).counters().dekInvocations();
        assertEquals(start + 64, end);
        assertTrue(persistedReservation(info) >= end, "persisted " + persistedReservation(info) + " < used " + end);
        for (int i = 0; i < 32; i++) {
            assertEquals(pattern(BS, 2, i), Await.result(kit.service.read("c", i * 2, 2)));
        }
    }

    private long persistedReservation(VolumeInfo info) {
        String doc = Await.result(kit.metadata.read(info.id())).orElseThrow();
        return VolumeMetadataCodec.decode(doc).deks().get(0).reservedUntil();
    }
}
