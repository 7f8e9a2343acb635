package io.strongroom.core.volume;

import static io.strongroom.core.volume.VolumeTestKit.awaitFailure;
import static io.strongroom.core.volume.VolumeTestKit.pattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.testkit.Await;
import io.strongroom.crypto.SealedBlockLayout;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Changes made to the stored slots behind the gateway's back must be detected, never returned as data. They are
 * found when a slot is read from the file: written slots stay in the store's slot cache, which holds what the
 * gateway wrote, so each tampering below is followed by a restart (an empty cache).
 */
class TamperTest extends WithVolumeKit {
    static final int BS = 4096;
    static final int SLOT = BS + SealedBlockLayout.OVERHEAD;

    VolumeInfo a;
    VolumeInfo b;

    @BeforeEach
    void start() {
        a = Await.result(kit.service.create(new VolumeSpec("a", BS * 16L, BS, null, null)));
        b = Await.result(kit.service.create(new VolumeSpec("b", BS * 16L, BS, null, null)));
        Await.result(kit.service.write("a", 0, pattern(BS, 8, 1)));
        Await.result(kit.service.write("b", 0, pattern(BS, 8, 2)));
        Await.result(kit.service.flush("a"));
        Await.result(kit.service.flush("b"));
    }

    @Test
    void flippedBitsFailTheIntegrityCheck() throws IOException {
        // One bit in the header (DEK id), nonce, ciphertext and tag of four different blocks.
        int[][] flips = {{1, 5}, {2, 25}, {3, SealedBlockLayout.HEADER_LENGTH + 100}, {4, SLOT - 1}};
        for (int[] flip : flips) {
            flipByte(kit.slotsFile(a), (long) flip[0] * SLOT + flip[1]);
            kit.restart();
            StrongroomException e = awaitFailure(kit.service.read("a", flip[0], 1), ErrorCode.BlockIntegrityError);
            assertTrue(e.getMessage().contains("block " + flip[0]), e.getMessage());
            // A run containing the bad block fails as a whole: no partial data.
            awaitFailure(kit.service.read("a", 0, 8), ErrorCode.BlockIntegrityError);
        }
        assertEquals(
                pattern(BS, 1, 1).slice(0, BS),
                Await.result(kit.service.read("a", 0, 1)),
                "untouched blocks still read");
    }

    @Test
    void slotCopiedWithinAVolumeFails() throws IOException {
        copySlot(kit.slotsFile(a), 2, kit.slotsFile(a), 5);
        kit.restart();
        awaitFailure(kit.service.read("a", 5, 1), ErrorCode.BlockIntegrityError);
        // Also to a never-written block.
        copySlot(kit.slotsFile(a), 2, kit.slotsFile(a), 12);
        kit.restart();
        awaitFailure(kit.service.read("a", 12, 1), ErrorCode.BlockIntegrityError);
        assertEquals(
                pattern(BS, 8, 1).slice(2 * BS, 3 * BS),
                Await.result(kit.service.read("a", 2, 1)),
                "the source still reads");
    }

    @Test
    void slotCopiedAcrossVolumesFails() throws IOException {
        copySlot(kit.slotsFile(b), 3, kit.slotsFile(a), 3);
        kit.restart();
        awaitFailure(kit.service.read("a", 3, 1), ErrorCode.BlockIntegrityError);
        assertEquals(pattern(BS, 8, 2).slice(3 * BS, 4 * BS), Await.result(kit.service.read("b", 3, 1)));
    }

    @Test
    void aCachedSlotServesWhatWasWrittenUntilItIsReadFromTheFileAgain() throws IOException {
        Buffer written = pattern(BS, 8, 1).slice(6 * BS, 7 * BS);
        assertEquals(written, Await.result(kit.service.read("a", 6, 1)));
        flipByte(kit.slotsFile(a), 6L * SLOT + SealedBlockLayout.HEADER_LENGTH + 100);
        assertEquals(written, Await.result(kit.service.read("a", 6, 1)), "the cached slot is what the gateway wrote");
        kit.restart();
        awaitFailure(kit.service.read("a", 6, 1), ErrorCode.BlockIntegrityError);
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, offset);
            one.put(0, (byte) (one.get(0) ^ 0x01)).rewind();
            ch.write(one, offset);
        }
    }

    private static void copySlot(Path from, long fromSlot, Path to, long toSlot) throws IOException {
        ByteBuffer slot = ByteBuffer.allocate(SLOT);
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ)) {
            in.read(slot, fromSlot * SLOT);
        }
        slot.flip();
        assertEquals(SLOT, slot.remaining());
        try (FileChannel out = FileChannel.open(to, StandardOpenOption.WRITE)) {
            out.write(slot, toSlot * SLOT);
        }
    }
}
