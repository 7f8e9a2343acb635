package io.strongroom.core.volume;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.strongroom.core.embed.BlockingStrongroom;
import io.strongroom.core.embed.BlockingVolume;
import io.strongroom.core.embed.SnapshotHandle;
import io.strongroom.core.embed.StrongroomOptions;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.KeyAccessRule;
import io.strongroom.core.keys.KeyState;
import io.strongroom.core.testkit.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots through the embedding API, under the volume's key-access rule (grace period 2 s, probes every 250 ms):
 * create, list, open read-only and read, delete; once the volume's KEK is disabled and the volume INACCESSIBLE, its
 * snapshots refuse reads with KeyInaccessible like the volume itself.
 */
class EmbeddedSnapshotKeyLossTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    VolumeTestKit kit;
    BlockingStrongroom strongroom;
    String kid;

    @BeforeEach
    void start() {
        kit = VolumeTestKit.start(tmp.resolve("kit"));
        String key = VolumeTestKit.uniqueKeyName("snapshot-loss");
        kid = kit.createKey(key);
        StrongroomOptions options = EmbeddedOptions.of(kit, tmp.resolve("embedded"))
                .setKeyAccess(new KeyAccessRule.Settings(
                        Duration.ofSeconds(2), Duration.ofMillis(250), List.of(), tmp.resolve("activity.log")));
        strongroom = BlockingStrongroom.start(options);
        strongroom.createVolume(new VolumeSpec("r", 4096L * 16, 4096, kit.keyUrl(key), null));
    }

    @AfterEach
    void stop() {
        try {
            if (strongroom != null) {
                strongroom.close();
            }
        } finally {
            kit.setEnabled(kid, true);
            kit.close();
        }
    }

    private static byte[] blocks(int fill, int count) {
        byte[] b = new byte[4096 * count];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    @Test
    void snapshotsAreReadOnlyImagesThatTheVolumesKeyLossReaches() {
        BlockingVolume volume = strongroom.volume("r");
        volume.write(0, blocks(1, 2));
        SnapshotInfo taken = volume.createSnapshot("before");
        volume.write(0, blocks(2, 2));
        assertEquals(List.of(taken), volume.snapshots());
        assertArrayEquals(blocks(1, 2), volume.readSnapshot("before", 0, 2));
        SnapshotHandle handle = Await.result(volume.async().openSnapshot("before"));
        assertEquals(volume.blockCount(), handle.blockCount());
        assertArrayEquals(blocks(1, 1), Await.result(handle.read(1, 1)).getBytes());
        StrongroomException missing = assertThrows(StrongroomException.class, () -> volume.readSnapshot("nope", 0, 1));
        assertEquals(ErrorCode.SnapshotNotFound, missing.code());

        kit.setEnabled(kid, false);
        await().atMost(WAIT).until(volume::keyState, state -> state == KeyState.INACCESSIBLE);
        StrongroomException refused =
                assertThrows(StrongroomException.class, () -> volume.readSnapshot("before", 0, 1));
        assertEquals(ErrorCode.KeyInaccessible, refused.code(), refused::getMessage);
        StrongroomException viaHandle = Await.failure(handle.read(0, 1), StrongroomException.class);
        assertEquals(ErrorCode.KeyInaccessible, viaHandle.code());

        volume.deleteSnapshot("before");
        assertEquals(List.of(), volume.snapshots());
    }
}
