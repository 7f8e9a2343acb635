package io.strongroom.core.volume;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.strongroom.crypto.BlockAddress;
import io.strongroom.crypto.BlockIntegrityException;
import io.strongroom.crypto.BlockSealer;
import io.strongroom.crypto.Dek;
import io.strongroom.crypto.DekId;
import io.strongroom.crypto.SealedBlockLayout;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.function.Function;

/**
 * Seals a run of plaintext blocks into a buffer of store slots and opens slots back into plaintext, one block at
 * a time on the calling thread (≈1 µs per 8 KiB block with AES-NI: cheaper than any thread hop), which must be an
 * event loop ({@link EventLoops}: the threads whose key residue is scrubbed).
 *
 * <p>No payload copies: blocks are read through NIO views of the incoming buffer and written straight into the
 * outgoing one, which the caller provides: an unpooled heap buffer for callers that keep the plaintext, a pooled
 * direct one ({@link PlaintextBuffers}) for a frontend that writes it to a socket (the sealer runs the cipher on a
 * per-thread array and copies into direct memory, the copy Netty would otherwise make from a heap buffer). Vert.x exposes the Netty buffer behind a {@link Buffer} only
 * through its internal {@link BufferInternal}; that is the price of not copying 8 KiB per block twice.
 */
final class SealedRuns {
    private final BlockSealer sealer;

    SealedRuns(BlockSealer sealer) {
        this.sealer = sealer;
    }

    /** Seals {@code count} blocks of {@code plaintext} for blocks {@code first..} of the volume. */
    Buffer seal(UUID volumeId, int blockSize, long first, int count, Buffer plaintext, Dek dek) {
        EventLoops.requireEventLoop();
        int slotSize = BlockSealer.sealedSize(blockSize);
        ByteBuf in = ((BufferInternal) plaintext).getByteBuf();
        ByteBuf out = Unpooled.buffer(count * slotSize, count * slotSize);
        for (int i = 0; i < count; i++) {
            ByteBuffer src = in.nioBuffer(in.readerIndex() + i * blockSize, blockSize);
            ByteBuffer dst = out.nioBuffer(i * slotSize, slotSize);
            sealer.seal(dek, new BlockAddress(volumeId, first + i), src, dst);
        }
        out.writerIndex(count * slotSize);
        return BufferInternal.buffer(out);
    }

    /**
     * Opens {@code count} slots read for blocks {@code first..} into {@code out} ({@code count * blockSize} writable
     * bytes from index 0). All-zero slots (never written or trimmed) become zero blocks. {@code dekFor} maps a slot's
     * DEK id to the DEK, or null when the volume has no such DEK. Throws
     * {@link io.strongroom.crypto.BlockIntegrityException} for a slot that does not authenticate.
     */
    void open(
            UUID volumeId,
            int blockSize,
            long first,
            int count,
            Buffer slots,
            Function<DekId, Dek> dekFor,
            ByteBuf out) {
        EventLoops.requireEventLoop();
        int slotSize = BlockSealer.sealedSize(blockSize);
        ByteBuf in = ((BufferInternal) slots).getByteBuf();
        DekId lastId = null;
        Dek lastDek = null;
        for (int i = 0; i < count; i++) {
            ByteBuffer slot = in.nioBuffer(in.readerIndex() + i * slotSize, slotSize);
            if (SealedBlockLayout.isAllZero(slot)) {
                // Zeroed explicitly: pooled memory and Netty's uninitialised heap arrays hold old bytes, and stale
                // memory must never pass for a never-written block.
                out.setZero(i * blockSize, blockSize);
                continue;
            }
            DekId id = SealedBlockLayout.dekIdOf(slot);
            if (!id.equals(lastId)) {
                lastDek = dekFor.apply(id);
                lastId = id;
            }
            BlockAddress at = new BlockAddress(volumeId, first + i);
            if (lastDek == null) {
                // Copied from another volume, or a forged header: no key of this volume sealed it.
                throw new BlockIntegrityException(at, "sealed under a DEK that is not one of this volume's");
            }
            sealer.open(lastDek, at, slot, out.nioBuffer(i * blockSize, blockSize));
        }
        out.writerIndex(count * blockSize);
    }
}
