package io.strongroom.core.volume;

import static io.strongroom.core.volume.VolumeTestKit.awaitFailure;
import static io.strongroom.core.volume.VolumeTestKit.pattern;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.testkit.Await;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Snapshots through the volume service, with real keys, sealing and files: plaintext as of the snapshot across
 * overwrites, trims and a restart; the rules (names, unknown snapshots, no deletion of a volume with snapshots);
 * DEK rollovers that keep the older DEKs while snapshots need them; a DEK that is not in memory refusing snapshot reads; and a snapshot's sealed slots bound to their
 * volume and block, so they cannot be swapped into another volume or address undetected.
 */
class VolumeSnapshotsTest extends WithVolumeKit {
    static final int BS = 8192;
    static final int SLOT = BS + 48;

    @Test
    void aSnapshotReadsAsItsMomentAcrossOverwritesTrimsAndARestart() {
        Await.result(kit.service.create(new VolumeSpec("v", BS * 16L)));
        Await.result(kit.service.write("v", 0, pattern(BS, 4, 1)));
        SnapshotInfo taken = Await.result(kit.service.createSnapshot("v", "before"));
        assertEquals("v", taken.volume());
        assertEquals("before", taken.name());
        Await.result(kit.service.write("v", 1, pattern(BS, 2, 2)));
        Await.result(kit.service.trim("v", 3, 1));
        Await.result(kit.service.write("v", 8, pattern(BS, 1, 3)));

        assertEquals(pattern(BS, 4, 1), Await.result(kit.service.readSnapshot("v", "before", 0, 4)));
        assertEquals(Buffer.buffer(new byte[BS]), Await.result(kit.service.readSnapshot("v", "before", 8, 1)));
        Buffer now = Await.result(kit.service.read("v", 0, 4));
        assertEquals(pattern(BS, 2, 2), now.slice(BS, 3 * BS));
        assertEquals(Buffer.buffer(new byte[BS]), now.slice(3 * BS, 4 * BS), "the volume sees its trim");

        kit.restart();
        assertEquals(List.of(taken), Await.result(kit.service.snapshots("v")));
        assertEquals(taken, Await.result(kit.service.snapshot("v", "before")));
        assertEquals(pattern(BS, 4, 1), Await.result(kit.service.readSnapshot("v", "before", 0, 4)));
        assertEquals(pattern(BS, 2, 2), Await.result(kit.service.read("v", 1, 2)));
    }

    @Test
    void namesUnknownSnapshotsAndWhatAVolumeWithSnapshotsRefuses() {
        Await.result(kit.service.create(new VolumeSpec("v", BS * 16L)));
        awaitFailure(kit.service.createSnapshot("v", "Bad Name"), ErrorCode.InvalidArgument);
        awaitFailure(kit.service.createSnapshot("v", null), ErrorCode.InvalidArgument);
        awaitFailure(kit.service.createSnapshot("none", "s"), ErrorCode.VolumeNotFound);
        Await.result(kit.service.createSnapshot("v", "s"));
        awaitFailure(kit.service.createSnapshot("v", "s"), ErrorCode.SnapshotExists);
        awaitFailure(kit.service.snapshot("v", "other"), ErrorCode.SnapshotNotFound);
        awaitFailure(kit.service.snapshot("v", "../s"), ErrorCode.InvalidArgument);
        awaitFailure(kit.service.readSnapshot("v", "other", 0, 1), ErrorCode.SnapshotNotFound);
        awaitFailure(kit.service.readSnapshot("v", "s", 16, 1), ErrorCode.BlockOutOfRange);
        awaitFailure(kit.service.deleteSnapshot("v", "other"), ErrorCode.SnapshotNotFound);

        awaitFailure(kit.service.delete("v"), ErrorCode.VolumeHasSnapshots);
        Await.result(kit.service.write("v", 0, pattern(BS, 1, 1)));
        assertEquals(pattern(BS, 1, 1), Await.result(kit.service.read("v", 0, 1)), "the volume still serves");

        Await.result(kit.service.deleteSnapshot("v", "s"));
        assertEquals(List.of(), Await.result(kit.service.snapshots("v")));
        Await.result(kit.service.delete("v"));
        awaitFailure(kit.service.snapshots("v"), ErrorCode.VolumeNotFound);
    }

    @Test
    void aRolloverKeepsTheOlderDeksUntilTheLastSnapshotIsDeleted() {
        Await.result(kit.service.create(new VolumeSpec("v", BS * 16L)));
        Await.result(kit.service.write("v", 0, pattern(BS, 8, 1)));
        Await.result(kit.service.createSnapshot("v", "before"));
        String first = Await.result(kit.service.get("v")).dekIds().get(0);

        Await.result(kit.service.rollover("v"));
        Await.result(kit.service.createSnapshot("v", "during"));
        awaitRolloverDone("v");
        List<String> deks = Await.result(kit.service.get("v")).dekIds();
        assertEquals(2, deks.size(), "the older DEK is kept for the snapshots: " + deks);
        assertEquals(first, deks.get(1));
        Await.result(kit.service.write("v", 2, pattern(BS, 1, 2)));
        assertEquals(pattern(BS, 8, 1), Await.result(kit.service.readSnapshot("v", "before", 0, 8)));
        assertEquals(pattern(BS, 8, 1), Await.result(kit.service.readSnapshot("v", "during", 0, 8)));

        Await.result(kit.service.rollover("v"));
        awaitRolloverDone("v");
        assertEquals(3, Await.result(kit.service.get("v")).dekIds().size());
        kit.restart();
        assertEquals(pattern(BS, 8, 1), Await.result(kit.service.readSnapshot("v", "before", 0, 8)));

        Await.result(kit.service.deleteSnapshot("v", "before"));
        assertEquals(3, Await.result(kit.service.get("v")).dekIds().size(), "one snapshot is left");
        Await.result(kit.service.deleteSnapshot("v", "during"));
        assertEquals(1, Await.result(kit.service.get("v")).dekIds().size(), "the last snapshot took the older DEKs");
        Buffer now = Await.result(kit.service.read("v", 0, 8));
        assertEquals(pattern(BS, 2, 1), now.slice(0, 2 * BS));
        assertEquals(pattern(BS, 1, 2), now.slice(2 * BS, 3 * BS));
        assertEquals(pattern(BS, 8, 1).slice(3 * BS, 8 * BS), now.slice(3 * BS, 8 * BS));
    }

    private void awaitRolloverDone(String volume) {
        await().atMost(Await.DEFAULT_TIMEOUT)
                .until(() -> Await.result(kit.service.get(volume)).rollover() == null);
    }

    @Test
    void aVolumeWhoseDekIsNotInMemoryRefusesSnapshotReadsToo() {
        String key = VolumeTestKit.uniqueKeyName("snap");
        String kid = kit.createKey(key);
        Await.result(kit.service.create(new VolumeSpec("c", BS * 8L, 0, kit.keyUrl(key), null)));
        Await.result(kit.service.write("c", 0, pattern(BS, 2, 1)));
        Await.result(kit.service.createSnapshot("c", "s"));
        kit.closeService();
        kit.setEnabled(kid, false);
        kit.open();
        try {
            awaitFailure(kit.service.readSnapshot("c", "s", 0, 2), ErrorCode.KeyUnavailable);
            awaitFailure(kit.service.read("c", 0, 2), ErrorCode.KeyUnavailable);
        } finally {
            kit.setEnabled(kid, true);
        }
        await().atMost(Await.DEFAULT_TIMEOUT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    try {
                        return Await.result(kit.service.readSnapshot("c", "s", 0, 2))
                                .equals(pattern(BS, 2, 1));
                    } catch (StrongroomException e) {
                        if (e.code() != ErrorCode.KeyUnavailable) {
                            throw e;
                        }
                        return false;
                    }
                });
    }

    @Test
    void aSnapshotSlotMovedToAnotherVolumeOrBlockFailsToOpen() throws Exception {
        VolumeInfo a = Await.result(kit.service.create(new VolumeSpec("a", BS * 8L)));
        VolumeInfo b = Await.result(kit.service.create(new VolumeSpec("b", BS * 8L)));
        Await.result(kit.service.write("a", 0, pattern(BS, 1, 1)));
        Await.result(kit.service.write("b", 0, pattern(BS, 2, 5)));
        Await.result(kit.service.createSnapshot("a", "s"));
        Await.result(kit.service.write("a", 0, pattern(BS, 1, 2))); // block 0's old slot is copied into the snapshot
        kit.closeService();

        byte[] preserved = firstSlotOfTheSnapshotOf(a);
        assertTrue(preserved[0] == 1, "a sealed block (format version 1) was copied into the snapshot");
        writeSlot(kit.slotsFile(b), 0, preserved);
        writeSlot(kit.slotsFile(a), 1, preserved);
        kit.open();
        awaitFailure(kit.service.read("b", 0, 1), ErrorCode.BlockIntegrityError);
        awaitFailure(kit.service.read("a", 1, 1), ErrorCode.BlockIntegrityError);
        assertEquals(pattern(BS, 1, 1), Await.result(kit.service.readSnapshot("a", "s", 0, 1)), "in place it opens");
    }

    private byte[] firstSlotOfTheSnapshotOf(VolumeInfo v) throws Exception {
        Path snapshots = kit.storeDir.resolve(v.id().toString()).resolve("snapshots");
        Path dir;
        try (Stream<Path> all = Files.list(snapshots)) {
            dir = all.findFirst().orElseThrow();
        }
        byte[] slot = new byte[SLOT];
        try (FileChannel ch = FileChannel.open(dir.resolve("slots.dat"), StandardOpenOption.READ)) {
            assertEquals(SLOT, ch.read(ByteBuffer.wrap(slot), 0));
        }
        return slot;
    }

    private static void writeSlot(Path file, long block, byte[] slot) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(slot), block * SLOT);
            ch.force(false);
        }
    }
}
