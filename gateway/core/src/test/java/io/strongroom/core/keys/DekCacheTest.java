package io.strongroom.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.crypto.Dek;
import io.strongroom.crypto.DekId;
import org.junit.jupiter.api.Test;

class DekCacheTest {
    @Test
    void countsHitsAndMissesAndDestroysOnEviction() {
        DekCache cache = new DekCache();
        Dek dek = Dek.generate();
        assertNull(cache.get(dek.id()));
        assertSame(dek, cache.put(dek));
        assertSame(dek, cache.get(dek.id()));
        assertSame(dek, cache.get(dek.id()));
        assertNull(cache.get(DekId.random()));
        assertEquals(new DekCache.DekCacheStats(2, 2, 1), cache.stats());

        cache.destroy(dek.id());
        assertTrue(dek.isDestroyed(), "eviction zeroes the key");
        assertFalse(cache.contains(dek.id()));
        assertEquals(0, cache.stats().size());
    }

    @Test
    void aSecondCopyOfADekIsDestroyedAndTheFirstKept() {
        DekCache cache = new DekCache();
        Dek first = Dek.generate();
        cache.put(first);
        byte[] raw = first.insecureKeyBytesForWrapping();
        Dek copy = Dek.adopt(first.id(), raw, 0);
        assertSame(first, cache.put(copy));
        assertTrue(copy.isDestroyed());
        assertFalse(first.isDestroyed());

        cache.destroyAll();
        assertTrue(first.isDestroyed());
        assertFalse(cache.toString().contains("key"), cache.toString());
    }
}
