package io.strongroom.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SealedBlockLayoutTest {

    @Test
    void constantsMatchTheDocumentedLayout() {
        assertEquals(32, SealedBlockLayout.HEADER_LENGTH);
        assertEquals(16, SealedBlockLayout.TAG_LENGTH);
        assertEquals(48, SealedBlockLayout.OVERHEAD);
        assertEquals(1, SealedBlockLayout.FORMAT_VERSION);
        assertEquals(4, SealedBlockLayout.DEK_ID_OFFSET);
        assertEquals(20, SealedBlockLayout.NONCE_OFFSET);
        assertEquals(64, SealedBlockLayout.AAD_LENGTH);
        assertEquals(8192 + 48, BlockSealer.sealedSize(8192));
        assertThrows(IllegalArgumentException.class, () -> BlockSealer.sealedSize(-1));
        assertThrows(IllegalArgumentException.class, () -> BlockSealer.sealedSize(Integer.MAX_VALUE - 47));
    }

    @Test
    void headerFieldsOfASealedBlock() {
        Dek dek = Dek.generate();
        byte[] sealed = BlockSealer.create().seal(dek, new BlockAddress(UUID.randomUUID(), 5), new byte[100]);
        assertEquals(148, sealed.length);
        assertEquals(1, sealed[0]);
        assertEquals(0, sealed[1] | sealed[2] | sealed[3]);
        assertEquals(dek.id(), SealedBlockLayout.dekIdOf(sealed));
    }

    @Test
    void dekIdOfABufferDoesNotMoveItsPosition() {
        Dek dek = Dek.generate();
        byte[] sealed = BlockSealer.create().seal(dek, new BlockAddress(UUID.randomUUID(), 5), new byte[10]);
        ByteBuffer direct = ByteBuffer.allocateDirect(sealed.length + 7).position(7);
        direct.put(sealed).position(7);
        assertEquals(dek.id(), SealedBlockLayout.dekIdOf(direct));
        assertEquals(7, direct.position());
        assertThrows(IllegalArgumentException.class, () -> SealedBlockLayout.dekIdOf(new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> SealedBlockLayout.dekIdOf(ByteBuffer.allocate(31)));
    }

    @Test
    void allZeroSlots() {
        for (ByteBuffer slot : new ByteBuffer[] {ByteBuffer.allocate(8240), ByteBuffer.allocateDirect(8240)}) {
            assertTrue(SealedBlockLayout.isAllZero(slot));
            assertEquals(0, slot.position());
            for (int at : new int[] {0, 7, 8, 4000, 8232, 8239}) {
                slot.put(at, (byte) 1);
                assertFalse(SealedBlockLayout.isAllZero(slot), "non-zero byte at " + at);
                slot.put(at, (byte) 0);
            }
            slot.put(8239, (byte) 1).limit(8239);
            assertTrue(SealedBlockLayout.isAllZero(slot), "bytes past the limit are not looked at");
            slot.put(3, (byte) 1).position(4);
            assertTrue(SealedBlockLayout.isAllZero(slot), "bytes before the position are not looked at");
        }
        assertTrue(SealedBlockLayout.isAllZero(ByteBuffer.allocate(0)));
        byte[] sealed = BlockSealer.create().seal(Dek.generate(), new BlockAddress(new UUID(0, 0), 0), new byte[0]);
        assertFalse(SealedBlockLayout.isAllZero(ByteBuffer.wrap(sealed)));
    }
}
