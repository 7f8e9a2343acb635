package io.strongroom.core.testkit.store;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * Verifiable slot contents for store tests: a slot for (block, generation) starts with both numbers and is filled
 * with a pseudo-random stream seeded by them, so a slot mixing two writes (or a slot copied to another block)
 * never matches any generation.
 */
public final class SlotPattern {

    /** {@link #generationOf} result for a slot that is not a whole pattern of its block, nor all zeros. */
    public static final long TORN = -1;
    /** {@link #generationOf} result for an all-zero slot (never written or trimmed). */
    public static final long ZEROS = 0;

    private SlotPattern() {}

    /** The slot image of {@code block} at {@code generation} (generation > 0). */
    public static byte[] slot(int slotSize, long block, long generation) {
        byte[] b = new byte[slotSize];
        fill(ByteBuffer.wrap(b), block, generation);
        return b;
    }

    /** The slots of blocks {@code first ..} all at {@code generation} ({@link #ZEROS}: zero-filled slots). */
    public static Buffer run(int slotSize, long first, int count, long generation) {
        Buffer b = Buffer.buffer(count * slotSize);
        for (int i = 0; i < count; i++) {
            b.appendBytes(generation == ZEROS ? new byte[slotSize] : slot(slotSize, first + i, generation));
        }
        return b;
    }

    private static void fill(ByteBuffer b, long block, long generation) {
        b.putLong(0, block).putLong(8, generation);
        SplittableRandom random = new SplittableRandom(block * 0x9E3779B97F4A7C15L ^ generation);
        int i = 16;
        for (; i + 8 <= b.capacity(); i += 8) {
            b.putLong(i, random.nextLong());
        }
        for (; i < b.capacity(); i++) {
            b.put(i, (byte) random.nextInt());
        }
    }

    /** The generation the slot at {@code offset} holds for {@code block}: {@link #ZEROS}, a generation, or {@link #TORN}. */
    public static long generationOf(byte[] slots, int offset, int slotSize, long block) {
        ByteBuffer slot = ByteBuffer.wrap(slots, offset, slotSize).slice();
        boolean zeros = true;
        for (int i = 0; i < slotSize && zeros; i++) {
            zeros = slot.get(i) == 0;
        }
        if (zeros) {
            return ZEROS;
        }
        long generation = slot.getLong(8);
        if (slot.getLong(0) != block || generation <= 0) {
            return TORN;
        }
        ByteBuffer expected = ByteBuffer.allocate(slotSize);
        fill(expected, block, generation);
        return expected.equals(slot) ? generation : TORN;
    }

    /** The generation of each slot of a run read from block {@code first} on. */
    public static long[] generationsOf(byte[] slots, int slotSize, long first) {
        long[] g = new long[slots.length / slotSize];
        for (int i = 0; i < g.length; i++) {
            g[i] = generationOf(slots, i * slotSize, slotSize, first + i);
        }
        return g;
    }
}
