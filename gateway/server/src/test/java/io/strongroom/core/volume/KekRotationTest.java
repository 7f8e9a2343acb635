package io.strongroom.core.volume;

import static io.strongroom.core.volume.VolumeTestKit.pattern;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.activity.ActivityEvent;
import io.strongroom.core.activity.ActivityType;
import io.strongroom.core.testkit.Await;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * KEK rotation on a live volume, under concurrent readers and writers: service key → customer key → its next
 * version → service key. No request fails, the DEKs stay the same, and afterwards the old keys are not needed
 * (disabled in the vault, the restarted service still opens and reads everything).
 */
class KekRotationTest extends WithVolumeKit {
    static final int BS = 8192;
    static final int BLOCKS = 256;

    @BeforeEach
    void start() {
        kit.tuning = o -> o.setKeyWatchInterval(Duration.ofMillis(200));
        kit.restart();
    }

    @Test
    void rotationUnderLoadThenOldKeysDisabledAndRestarted() throws Exception {
        VolumeInfo created = Await.result(kit.service.create(new VolumeSpec("live", (long) BS * BLOCKS)));
        for (int b = 0; b < BLOCKS; b++) {
            Await.result(kit.service.write("live", b, pattern(BS, 1, VolumeLoad.initialSeed(b))));
        }
        String key = VolumeTestKit.uniqueKeyName("customer");
        String v1 = kit.createKey(key);

        VolumeLoad load = VolumeLoad.start(kit.service, "live", BS, BLOCKS, 6);
        load.awaitProgress(30);
        VolumeInfo toCustomer = Await.result(kit.service.changeKek("live", new KekChange(kit.keyUrl(key), null, null)));
        assertEquals(v1, toCustomer.kekId());
        load.awaitProgress(30);
        String v2 = kit.rotateKey(key);
        assertEquals(
                v2,
                Await.result(kit.service.changeKek("live", new KekChange(kit.keyUrl(key), null, null)))
                        .kekId());
        load.awaitProgress(30);
        load.stop();

        assertEquals(List.of(), load.failures(), "no request may fail during rotation");
        assertTrue(load.requests() > 100, "the load ran: " + load.requests() + " requests");
        VolumeInfo rotated = Await.result(kit.service.get("live"));
        assertEquals(created.dekIds(), rotated.dekIds(), "rotation re-wraps, it never changes DEKs");
        JsonObject doc = kit.metadataDocument(rotated);
        assertEquals(v2, doc.getString("kek"));
        doc.getJsonArray("deks")
                .forEach(d -> assertEquals(
                        v2, ((JsonObject) d).getJsonObject("wrapped").getString("kek")));
        assertFalse(doc.encode().contains(v1), "nothing wrapped by the first version is left");
        List<ActivityEvent> rotations = kit.keys.activityLog().recent("live", null, 10).stream()
                .filter(e -> e.type() == ActivityType.ROTATION)
                .toList();
        assertEquals(2, rotations.size(), "each rotation is on record: " + rotations);
        assertTrue(rotations.stream().allMatch(ActivityEvent::ok));

        kit.setEnabled(v1, false);
        kit.restart();
        readsBack(load);

        // Back to the service key, on the live volume; then the customer key is not needed at all.
        VolumeLoad again = VolumeLoad.resume(load, kit.service, 4);
        again.awaitProgress(20);
        VolumeInfo back = Await.result(kit.service.changeKek("live", new KekChange(KekChange.SERVICE_KEK, null, null)));
        again.awaitProgress(20);
        again.stop();
        assertEquals(List.of(), again.failures());
        assertTrue(back.kekId().startsWith(kit.keyUrl(VolumeTestKit.SERVICE_KEY) + "/"), back.kekId());
        kit.setEnabled(v2, false);
        kit.restart();
        readsBack(again);
        assertEquals(created.dekIds(), Await.result(kit.service.get("live")).dekIds());
    }

    @Test
    void autoFollowReWrapsWhenTheKeyGetsANewVersion() throws Exception {
        String key = VolumeTestKit.uniqueKeyName("follow");
        String v1 = kit.createKey(key);
        Await.result(kit.service.create(new VolumeSpec("f", (long) BS * 8, 0, kit.keyUrl(key), null)));
        Await.result(kit.service.write("f", 0, pattern(BS, 8, 7)));
        VolumeInfo following = Await.result(kit.service.changeKek("f", new KekChange(kit.keyUrl(key), null, true)));
        assertTrue(following.autoFollow());
        assertEquals(v1, following.kekId());

        String v2 = kit.rotateKey(key);
        await("the volume following the key to " + v2)
                .atMost(Await.DEFAULT_TIMEOUT)
                .until(() -> Await.result(kit.service.get("f")).kekId().equals(v2));
        kit.setEnabled(v1, false);
        kit.restart();
        VolumeInfo after = Await.result(kit.service.get("f"));
        assertTrue(after.autoFollow(), "auto-follow is persisted");
        assertEquals(v2, after.kekId());
        assertEquals(pattern(BS, 8, 7), Await.result(kit.service.read("f", 0, 8)));
    }

    private void readsBack(VolumeLoad load) {
        for (int b = 0; b < BLOCKS; b += 32) {
            for (int i = 0; i < 32; i++) {
                assertEquals(
                        pattern(BS, 1, load.expectedSeed(b + i)),
                        Await.result(kit.service.read("live", b + i, 1)),
                        "block " + (b + i));
            }
        }
    }
}
