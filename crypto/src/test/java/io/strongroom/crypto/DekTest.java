package io.strongroom.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DekTest {

    private final BlockSealer sealer = BlockSealer.create();
    private final BlockAddress at = new BlockAddress(UUID.randomUUID(), 3);

    @Test
    void generatedKeysAre256BitsAndDistinct() {
        Dek a = Dek.generate();
        Dek b = Dek.generate();
        byte[] ka = a.insecureKeyBytesForWrapping();
        byte[] kb = b.insecureKeyBytesForWrapping();
        assertEquals(32, ka.length);
        assertFalse(Arrays.equals(ka, kb));
        assertNotEquals(a.id(), b.id());
        assertEquals(0, a.invocations());
        assertEquals(Dek.INVOCATION_LIMIT, a.remainingInvocations());
    }

    @Test
    void adoptCopiesAndZeroesTheCallersArray() {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 7);
        byte[] expected = key.clone();
        Dek dek = Dek.adopt(DekId.random(), key, 41);
        assertArrayEquals(new byte[32], key);
        assertArrayEquals(expected, dek.insecureKeyBytesForWrapping());
        assertEquals(41, dek.invocations());
        assertEquals(Dek.INVOCATION_LIMIT - 41, dek.remainingInvocations());
    }

    @Test
    void adoptRejectsBadInputAndStillZeroesTheArray() {
        byte[] shortKey = new byte[16];
        Arrays.fill(shortKey, (byte) 1);
        assertThrows(IllegalArgumentException.class, () -> Dek.adopt(DekId.random(), shortKey, 0));
        assertArrayEquals(new byte[16], shortKey);
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) 1);
        assertThrows(IllegalArgumentException.class, () -> Dek.adopt(DekId.random(), key, -1));
        assertArrayEquals(new byte[32], key);
        assertThrows(NullPointerException.class, () -> Dek.adopt(null, new byte[32], 0));
    }

    @Test
    void sealsAreCounted() {
        Dek dek = Dek.generate();
        for (int i = 0; i < 5; i++) {
            sealer.seal(dek, at, new byte[1]);
        }
        sealer.seal(dek, at, ByteBuffer.allocate(3), ByteBuffer.allocate(100));
        byte[] sealed = sealer.seal(dek, at, new byte[0]);
        sealer.open(dek, at, sealed);
        assertEquals(7, dek.invocations(), "opens are not counted, seals are");
    }

    @Test
    void destroyedKeysRefuseWork() {
        Dek dek = Dek.generate();
        byte[] sealed = sealer.seal(dek, at, new byte[32]);
        assertFalse(dek.isDestroyed());
        dek.destroy();
        assertTrue(dek.isDestroyed());
        assertThrows(DestroyedKeyException.class, () -> sealer.seal(dek, at, new byte[32]));
        assertThrows(
                DestroyedKeyException.class,
                () -> sealer.seal(dek, at, ByteBuffer.allocateDirect(8), ByteBuffer.allocateDirect(64)));
        assertThrows(DestroyedKeyException.class, () -> sealer.open(dek, at, sealed));
        assertThrows(
                DestroyedKeyException.class,
                () -> sealer.open(dek, at, ByteBuffer.wrap(sealed), ByteBuffer.allocate(32)));
        assertThrows(DestroyedKeyException.class, dek::insecureKeyBytesForWrapping);
        assertEquals(1, dek.invocations(), "a refused seal is not counted");
        dek.destroy();
        assertTrue(dek.isDestroyed(), "destroy is idempotent");
    }

    @Test
    void destroyingWhileAnotherThreadSealsNeverYieldsABlockUnderAZeroedKey() throws Exception {
        for (int round = 0; round < 20; round++) {
            Dek dek = Dek.generate();
            Dek zeroed = Dek.adopt(dek.id(), new byte[32], 0);
            AtomicInteger sealedUnderZeroKey = new AtomicInteger();
            AtomicInteger sealed = new AtomicInteger();
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        byte[] block = sealer.seal(dek, at, new byte[16]);
                        sealed.incrementAndGet();
                        try {
                            sealer.open(zeroed, at, block);
                            sealedUnderZeroKey.incrementAndGet();
                        } catch (BlockIntegrityException expected) {
                            // sealed under the real key, as it must be
                        }
                    }
                } catch (DestroyedKeyException expected) {
                    // the loop ends when the key is destroyed
                }
            });
            t.start();
            while (sealed.get() < 10) {
                Thread.onSpinWait();
            }
            dek.destroy();
            t.join(10_000);
            assertFalse(t.isAlive());
            assertEquals(0, sealedUnderZeroKey.get());
        }
    }

    @Test
    void scrubbingThreadStateLeavesTheSealerWorking() throws Exception {
        Dek dek = Dek.generate();
        byte[] sealed = sealer.seal(dek, at, new byte[100]);
        assertEquals(Optional.of(dek.id()), sealer.keyResidue(), "the Cipher keeps the last key it used");
        dek.destroy();
        sealer.scrubThreadState();
        assertEquals(Optional.empty(), sealer.keyResidue(), "scrubbed");
        Dek next = Dek.generate();
        assertArrayEquals(new byte[100], sealer.open(next, at, sealer.seal(next, at, new byte[100])));
        assertEquals(Optional.of(next.id()), sealer.keyResidue());
        assertThrows(DestroyedKeyException.class, () -> sealer.open(dek, at, sealed));
        ExecutorService fresh = Executors.newSingleThreadExecutor();
        try {
            assertEquals(Optional.empty(), fresh.submit(sealer::keyResidue).get(), "residue is per thread");
            fresh.submit(sealer::scrubThreadState).get();
        } finally {
            fresh.shutdown();
        }
    }

    @Test
    void toStringShowsOnlyTheId() {
        Dek dek = Dek.generate();
        assertEquals("Dek[id=" + dek.id() + "]", dek.toString());
    }

    @Test
    void dekIdParsesAndPrintsLowercaseHex() {
        DekId id = DekId.random();
        assertEquals(32, id.toString().length());
        assertTrue(id.toString().matches("[0-9a-f]{32}"));
        assertEquals(id, DekId.parse(id.toString()));
        assertEquals(id.hashCode(), DekId.parse(id.toString()).hashCode());
        assertEquals(id, DekId.fromBytes(id.toBytes()));
        ByteBuffer b = ByteBuffer.allocate(20).position(2);
        id.writeTo(b);
        assertEquals(18, b.position());
        assertArrayEquals(id.toBytes(), Arrays.copyOfRange(b.array(), 2, 18));
        assertEquals(
                "000102030405060708090a0b0c0d0eff",
                DekId.fromBytes(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, -1})
                        .toString());
    }

    @Test
    void dekIdIsACopyingValueObject() {
        byte[] raw = new byte[16];
        DekId id = DekId.fromBytes(raw);
        raw[0] = 1;
        assertEquals(0, id.toBytes()[0]);
        id.toBytes()[1] = 5;
        assertEquals(0, id.toBytes()[1]);
    }

    @Test
    void dekIdRejectsBadText() {
        for (String bad : new String[] {
            "",
            "00",
            "0".repeat(31),
            "0".repeat(33),
            "A".repeat(32),
            "g".repeat(32),
            " " + "0".repeat(31),
            "0".repeat(30) + "-0"
        }) {
            assertThrows(IllegalArgumentException.class, () -> DekId.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> DekId.parse(null));
        assertThrows(IllegalArgumentException.class, () -> DekId.fromBytes(new byte[15]));
    }
}
