package io.strongroom.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A sealed block that was changed, moved, or presented with another key never opens. */
class TamperTest {

    private final BlockSealer sealer = BlockSealer.create();
    private final Dek dek = Dek.generate();
    private final BlockAddress at = new BlockAddress(UUID.randomUUID(), 12345);

    @Test
    void everySingleBitFlipOfASmallBlockFails() {
        byte[] plaintext = new byte[64];
        new SplittableRandom(1).nextBytes(plaintext);
        byte[] sealed = sealer.seal(dek, at, plaintext);
        assertArrayEquals(plaintext, sealer.open(dek, at, sealed));
        for (int bit = 0; bit < sealed.length * 8; bit++) {
            assertOpenFails(flip(sealed, bit), "bit " + bit);
        }
    }

    @Test
    void headerAndTagBitsAndSampledCiphertextBitsOf8KiBFail() {
        byte[] plaintext = new byte[8192];
        SplittableRandom rnd = new SplittableRandom(2);
        rnd.nextBytes(plaintext);
        byte[] sealed = sealer.seal(dek, at, plaintext);
        int headerBits = SealedBlockLayout.HEADER_LENGTH * 8;
        int tagStart = (sealed.length - SealedBlockLayout.TAG_LENGTH) * 8;
        for (int bit = 0; bit < headerBits; bit++) {
            assertOpenFails(flip(sealed, bit), "header bit " + bit);
        }
        for (int bit = tagStart; bit < sealed.length * 8; bit++) {
            assertOpenFails(flip(sealed, bit), "tag bit " + bit);
        }
        for (int i = 0; i < 2000; i++) {
            int bit = headerBits + rnd.nextInt(tagStart - headerBits);
            assertOpenFails(flip(sealed, bit), "ciphertext bit " + bit);
        }
        assertOpenFails(flip(sealed, headerBits), "first ciphertext bit");
        assertOpenFails(flip(sealed, tagStart - 1), "last ciphertext bit");
    }

    @Test
    void truncatedOrExtendedBlocksFail() {
        byte[] sealed = sealer.seal(dek, at, new byte[100]);
        for (int len : new int[] {
            0,
            1,
            SealedBlockLayout.HEADER_LENGTH,
            SealedBlockLayout.OVERHEAD - 1,
            SealedBlockLayout.OVERHEAD,
            sealed.length - 1
        }) {
            assertOpenFails(Arrays.copyOf(sealed, len), "truncated to " + len);
        }
        assertOpenFails(Arrays.copyOf(sealed, sealed.length + 1), "one byte appended");
    }

    @Test
    void aNeverWrittenZeroSlotFails() {
        assertOpenFails(new byte[8192 + SealedBlockLayout.OVERHEAD], "all-zero slot");
    }

    @Test
    void anotherBlockNumberVolumeOrDekFails() {
        byte[] sealed = sealer.seal(dek, at, new byte[4096]);
        assertThrows(
                BlockIntegrityException.class,
                () -> sealer.open(dek, new BlockAddress(at.volumeId(), at.blockNumber() + 1), sealed));
        assertThrows(BlockIntegrityException.class, () -> sealer.open(dek, new BlockAddress(at.volumeId(), 0), sealed));
        assertThrows(
                BlockIntegrityException.class,
                () -> sealer.open(dek, new BlockAddress(UUID.randomUUID(), at.blockNumber()), sealed));
        BlockIntegrityException otherDek =
                assertThrows(BlockIntegrityException.class, () -> sealer.open(Dek.generate(), at, sealed));
        assertTrue(otherDek.getMessage().contains(dek.id().toString()), otherDek.getMessage());
        // Same id, different key bytes (a wrongly unwrapped DEK): the tag catches it.
        Dek impostor = Dek.adopt(dek.id(), new byte[Dek.KEY_LENGTH], 0);
        assertThrows(BlockIntegrityException.class, () -> sealer.open(impostor, at, sealed));
        // A block whose DEK id field is rewritten to another DEK's id fails under that DEK too.
        Dek other = Dek.generate();
        byte[] relabelled = sealed.clone();
        other.id().writeTo(ByteBuffer.wrap(relabelled, SealedBlockLayout.DEK_ID_OFFSET, DekId.LENGTH));
        assertThrows(BlockIntegrityException.class, () -> sealer.open(other, at, relabelled));
        assertArrayEquals(new byte[4096], sealer.open(dek, at, sealed));
    }

    @Test
    void theExceptionCarriesTheAddress() {
        byte[] sealed = flip(sealer.seal(dek, at, new byte[10]), 300);
        BlockIntegrityException e = assertThrows(BlockIntegrityException.class, () -> sealer.open(dek, at, sealed));
        assertEquals(at, e.address());
    }

    @Test
    void failedBufferOpenLeavesNoPlaintextAndRestoresTheInputPosition() {
        byte[] plaintext = new byte[8192];
        Arrays.fill(plaintext, (byte) 0x5a);
        byte[] sealed = flip(sealer.seal(dek, at, plaintext), 8 * 5000);
        for (boolean direct : new boolean[] {false, true}) {
            ByteBuffer in = direct ? ByteBuffer.allocateDirect(sealed.length) : ByteBuffer.allocate(sealed.length);
            in.put(sealed).flip();
            ByteBuffer out =
                    direct ? ByteBuffer.allocateDirect(plaintext.length) : ByteBuffer.allocate(plaintext.length);
            assertThrows(BlockIntegrityException.class, () -> sealer.open(dek, at, in, out));
            assertEquals(0, in.position());
            assertEquals(0, out.position());
            for (int i = 0; i < plaintext.length; i++) {
                assertEquals(0, out.get(i), "plaintext byte left at " + i);
            }
        }
    }

    private void assertOpenFails(byte[] sealed, String what) {
        assertThrows(BlockIntegrityException.class, () -> sealer.open(dek, at, sealed), what);
        ByteBuffer in = ByteBuffer.allocateDirect(Math.max(1, sealed.length))
                .put(sealed)
                .flip();
        ByteBuffer out = ByteBuffer.allocateDirect(Math.max(0, sealed.length - SealedBlockLayout.OVERHEAD));
        assertThrows(BlockIntegrityException.class, () -> sealer.open(dek, at, in, out), what + " (direct buffers)");
    }

    private static byte[] flip(byte[] sealed, int bit) {
        byte[] copy = sealed.clone();
        copy[bit >>> 3] ^= (byte) (1 << (bit & 7));
        return copy;
    }
}
