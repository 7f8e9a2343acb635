package io.strongroom.core.volume;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.activity.ActivityEvent;
import io.strongroom.core.activity.ActivityType;
import io.strongroom.core.embed.BlockingStrongroom;
import io.strongroom.core.embed.BlockingVolume;
import io.strongroom.core.embed.StrongroomOptions;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.KeyAccessRule;
import io.strongroom.core.keys.KeyState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clones through the embedding API under the key-access rule (grace period 2 s, probes every 250 ms): a clone under
 * another key does not depend on its parent's KEK, nor the parent on the clone's. Two pairs, each a parent and a
 * clone under different customer keys; the first parent's key and the second clone's key are disabled together:
 * those two go INACCESSIBLE, while the first clone and the second parent (with its snapshot) keep serving reads
 * and writes. The activity log records each clone's start and finish.
 */
class EmbeddedCloneKeyLossTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int BS = 4096;

    @TempDir
    Path tmp;

    VolumeTestKit kit;
    BlockingStrongroom strongroom;
    final List<String> disabled = new ArrayList<>();

    @BeforeEach
    void start() {
        kit = VolumeTestKit.start(tmp.resolve("kit"));
        StrongroomOptions options = EmbeddedOptions.of(kit, tmp.resolve("embedded"))
                .setKeyAccess(new KeyAccessRule.Settings(
                        Duration.ofSeconds(2), Duration.ofMillis(250), List.of(), tmp.resolve("activity.log")));
        strongroom = BlockingStrongroom.start(options);
    }

    @AfterEach
    void stop() {
        try {
            if (strongroom != null) {
                strongroom.close();
            }
        } finally {
            disabled.forEach(kid -> kit.setEnabled(kid, true));
            kit.close();
        }
    }

    private static byte[] blocks(int fill, int count) {
        byte[] b = new byte[BS * count];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    /** A customer key: its URL, and its versioned id (to disable it) in {@code kids}. */
    private String key(String prefix, List<String> kids) {
        String name = VolumeTestKit.uniqueKeyName(prefix);
        kids.add(kit.createKey(name));
        return kit.keyUrl(name);
    }

    @Test
    void aCloneAndItsParentOutliveEachOthersKeyLoss() {
        List<String> kids = new ArrayList<>();
        String parentKey1 = key("pair1-parent", kids);
        String cloneKey1 = key("pair1-clone", kids);
        String parentKey2 = key("pair2-parent", kids);
        String cloneKey2 = key("pair2-clone", kids);
        strongroom.createVolume(new VolumeSpec("p1", BS * 16L, BS, parentKey1, null));
        strongroom.createVolume(new VolumeSpec("p2", BS * 16L, BS, parentKey2, null));
        BlockingVolume p1 = strongroom.volume("p1");
        BlockingVolume p2 = strongroom.volume("p2");
        p1.write(0, blocks(1, 4));
        p2.write(0, blocks(2, 4));
        p1.createSnapshot("s");
        p2.createSnapshot("s");
        VolumeInfo c1info = p1.cloneSnapshot("s", new VolumeSpec("c1", 0, 0, cloneKey1, null));
        VolumeInfo c2info = p2.cloneSnapshot("s", new VolumeSpec("c2", 0, 0, cloneKey2, null));
        assertTrue(c1info.kekId().startsWith(cloneKey1 + "/"), c1info.kekId());
        assertTrue(c2info.kekId().startsWith(cloneKey2 + "/"), c2info.kekId());
        BlockingVolume c1 = strongroom.volume("c1");
        BlockingVolume c2 = strongroom.volume("c2");
        assertArrayEquals(blocks(1, 4), c1.read(0, 4));
        assertArrayEquals(blocks(2, 4), c2.read(0, 4));

        kit.setEnabled(kids.get(0), false); // pair 1's parent key
        disabled.add(kids.get(0));
        kit.setEnabled(kids.get(3), false); // pair 2's clone key
        disabled.add(kids.get(3));
        await().atMost(WAIT)
                .until(() -> p1.keyState() == KeyState.INACCESSIBLE && c2.keyState() == KeyState.INACCESSIBLE);
        for (BlockingVolume revoked : List.of(p1, c2)) {
            StrongroomException refused = assertThrows(StrongroomException.class, () -> revoked.read(0, 1));
            assertEquals(ErrorCode.KeyInaccessible, refused.code(), refused::getMessage);
            StrongroomException writeRefused =
                    assertThrows(StrongroomException.class, () -> revoked.write(0, blocks(9, 1)));
            assertEquals(ErrorCode.KeyInaccessible, writeRefused.code(), writeRefused::getMessage);
        }
        assertEquals(
                ErrorCode.KeyInaccessible,
                assertThrows(StrongroomException.class, () -> p1.readSnapshot("s", 0, 1))
                        .code());

        assertEquals(KeyState.AVAILABLE, c1.keyState(), "the clone of a revoked parent keeps its own key");
        assertArrayEquals(blocks(1, 4), c1.read(0, 4));
        c1.write(4, blocks(5, 2), true);
        assertArrayEquals(blocks(5, 2), c1.read(4, 2));
        assertEquals(KeyState.AVAILABLE, p2.keyState(), "the parent of a revoked clone keeps its key");
        p2.write(4, blocks(6, 2), true);
        assertArrayEquals(blocks(6, 2), p2.read(4, 2));
        assertArrayEquals(blocks(2, 4), p2.readSnapshot("s", 0, 4));

        List<ActivityEvent> events =
                strongroom.async().keyVaults().activityLog().recent("c1", null, 100);
        assertTrue(events.stream().anyMatch(e -> e.type() == ActivityType.CLONE_STARTED && e.ok()), events::toString);
        assertTrue(
                events.stream()
                        .anyMatch(e -> e.type() == ActivityType.CLONE_FINISHED
                                && e.ok()
                                && e.volumes().contains("p1")),
                events::toString);
        assertFalse(events.stream().anyMatch(e -> e.type() == ActivityType.CLONE_FAILED), events::toString);
    }
}
