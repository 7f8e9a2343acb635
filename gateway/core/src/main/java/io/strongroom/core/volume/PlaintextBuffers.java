package io.strongroom.core.volume;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Pooled direct memory for plaintext blocks on their way to a socket ({@link VolumeService#readDirect}). The pool is
 * the service's own, without per-thread caches, so that its arenas count every buffer handed out and not yet released:
 * {@link #inUse()} is exact, and a path that forgets a release shows as a count that never returns to zero
 * ({@code strongroom_plaintext_buffers_in_use}). Freeing a buffer returns its memory to the pool; a freed block's
 * plaintext stays in that pooled memory until it is reused, as it does in the socket buffers it was written from.
 */
final class PlaintextBuffers {
    private final PooledByteBufAllocator pool = new PooledByteBufAllocator(
            true,
            0,
            Math.max(1, Runtime.getRuntime().availableProcessors()),
            PooledByteBufAllocator.defaultPageSize(),
            PooledByteBufAllocator.defaultMaxOrder(),
            0,
            0,
            false);

    /** A direct buffer of exactly {@code bytes} bytes, owned by the caller until released. */
    ByteBuf allocate(int bytes) {
        return pool.directBuffer(bytes, bytes);
    }

    /** Buffers handed out and not yet released. */
    long inUse() {
        long n = 0;
        for (PoolArenaMetric arena : pool.metric().directArenas()) {
            n += arena.numActiveAllocations();
        }
        return n;
    }
}
