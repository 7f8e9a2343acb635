package io.strongroom.nbd;

import io.strongroom.core.volume.VolumeService;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Byte ranges of an export turned into whole-block calls on the volume service. Whole blocks are read and written
 * as they are; a write that covers only part of a block reads the block, patches it and writes it back
 * (read-modify-write), holding that block's lock so no other write of it, from any connection, falls in between.
 * Long runs are cut into calls of at most {@link #CHUNK_BYTES}, under the store's largest request. The parts of one
 * request under a lock all finish (failed or not) before the lock is released ({@code Future.join}, not {@code all}).
 */
final class BlockIo {
    /** Plaintext bytes per volume-service call. */
    static final int CHUNK_BYTES = 4 * 1024 * 1024;

    private final VolumeService volumes;
    private final BlockRangeLocks locks;
    private final Context context;

    BlockIo(VolumeService volumes, BlockRangeLocks locks, Context context) {
        this.volumes = volumes;
        this.locks = locks;
        this.context = context;
    }

    /** {@code length} bytes from {@code offset}; the caller checked the range. */
    Future<Buffer> read(NbdConnection.Export e, long offset, int length) {
        if (length == 0) {
            return Future.succeededFuture(Buffer.buffer(0));
        }
        int bs = e.blockSize();
        long first = offset / bs;
        long last = (offset + length - 1) / bs;
        return readBlocks(e, first, last - first + 1, bs).map(blocks -> {
            int skip = (int) (offset - first * bs);
            return skip == 0 && blocks.length() == length ? blocks : blocks.getBuffer(skip, skip + length);
        });
    }

    private Future<Buffer> readBlocks(NbdConnection.Export e, long first, long count, int bs) {
        int perChunk = Math.max(1, CHUNK_BYTES / bs);
        if (count <= perChunk) {
            return readChunk(e, first, (int) count);
        }
        List<Future<Buffer>> parts = new ArrayList<>();
        for (long b = first; b < first + count; b += perChunk) {
            parts.add(readChunk(e, b, (int) Math.min(perChunk, first + count - b)));
        }
        return Future.all(parts).map(all -> {
            Buffer whole = Buffer.buffer((int) (count * bs));
            for (Future<Buffer> part : parts) {
                whole.appendBuffer(part.result());
            }
            return whole;
        });
    }

    /** Whole blocks of the export: the volume's, or its snapshot's. */
    private Future<Buffer> readChunk(NbdConnection.Export e, long first, int count) {
        return e.snapshot() == null
                ? volumes.read(e.name(), first, count)
                : volumes.readSnapshot(e.name(), e.snapshot(), first, count);
    }

    /** Writes {@code data} at {@code offset}; the caller checked the range. */
    Future<Void> write(NbdConnection.Export e, long offset, Buffer data, boolean fua) {
        if (data.length() == 0) {
            return Future.succeededFuture();
        }
        int bs = e.blockSize();
        long first = offset / bs;
        long last = (offset + data.length() - 1) / bs;
        int head = (int) (offset - first * bs);
        int tailEnd = (int) ((offset + data.length()) - last * bs);
        return locked(e.name(), first, last, () -> {
            if (head == 0 && tailEnd == bs) {
                return writeBlocks(e.name(), first, data, bs, fua);
            }
            return edges(e.name(), first, last, head != 0, tailEnd != bs, bs).compose(blocks -> {
                blocks.setBuffer(head, data);
                return writeBlocks(e.name(), first, blocks, bs, fua);
            });
        });
    }

    /**
     * Zeros over {@code offset..offset+length}: whole blocks are trimmed (they read back as zeros), partial ones
     * are read, zeroed in part and written. With FUA, a flush follows.
     */
    Future<Void> writeZeroes(NbdConnection.Export e, long offset, long length, boolean fua) {
        if (length == 0) {
            return Future.succeededFuture();
        }
        int bs = e.blockSize();
        long first = offset / bs;
        long last = (offset + length - 1) / bs;
        int head = (int) (offset - first * bs);
        int tailEnd = (int) ((offset + length) - last * bs);
        Future<Void> done = locked(e.name(), first, last, () -> {
            List<Future<Void>> parts = new ArrayList<>();
            long fullFirst = head == 0 ? first : first + 1;
            long fullLast = tailEnd == bs ? last : last - 1;
            if (first == last && (head != 0 || tailEnd != bs)) {
                parts.add(zeroPart(e.name(), first, head, tailEnd, bs));
            } else {
                if (head != 0) {
                    parts.add(zeroPart(e.name(), first, head, bs, bs));
                }
                if (tailEnd != bs) {
                    parts.add(zeroPart(e.name(), last, 0, tailEnd, bs));
                }
                if (fullFirst <= fullLast) {
                    parts.add(volumes.trim(e.name(), fullFirst, fullLast - fullFirst + 1));
                }
            }
            return Future.join(parts).mapEmpty();
        });
        return fua ? done.compose(v -> volumes.flush(e.name())) : done;
    }

    /** Trims the whole blocks inside {@code offset..offset+length} (a partial block is left as it is). */
    Future<Void> trim(NbdConnection.Export e, long offset, long length, boolean fua) {
        int bs = e.blockSize();
        long first = (offset + bs - 1) / bs;
        long end = (offset + length) / bs;
        if (first >= end) {
            return fua ? volumes.flush(e.name()) : Future.succeededFuture();
        }
        Future<Void> done = locked(e.name(), first, end - 1, () -> volumes.trim(e.name(), first, end - first));
        return fua ? done.compose(v -> volumes.flush(e.name())) : done;
    }

    /** Block {@code block} with bytes {@code from..to} zeroed, written back. */
    private Future<Void> zeroPart(String volume, long block, int from, int to, int bs) {
        return volumes.read(volume, block, 1).compose(old -> {
            Buffer patched = Buffer.buffer(bs).appendBuffer(old);
            patched.setBytes(from, new byte[to - from]);
            return volumes.write(volume, block, patched);
        });
    }

    /**
     * A buffer of blocks {@code first..last} with the old content of the first block when {@code head} and of the
     * last when {@code tail}; the rest is to be overwritten by the caller.
     */
    private Future<Buffer> edges(String volume, long first, long last, boolean head, boolean tail, int bs) {
        int size = (int) ((last - first + 1) * bs);
        Future<Buffer> firstBlock = head ? volumes.read(volume, first, 1) : Future.succeededFuture();
        boolean separateTail = tail && (last != first || !head);
        Future<Buffer> lastBlock = separateTail ? volumes.read(volume, last, 1) : Future.succeededFuture();
        return Future.all(firstBlock, lastBlock).map(x -> {
            Buffer blocks = Buffer.buffer(new byte[size]);
            if (head) {
                blocks.setBuffer(0, firstBlock.result());
            }
            if (separateTail) {
                blocks.setBuffer(size - bs, lastBlock.result());
            }
            return blocks;
        });
    }

    private Future<Void> writeBlocks(String volume, long first, Buffer blocks, int bs, boolean fua) {
        int chunk = Math.max(1, CHUNK_BYTES / bs) * bs;
        if (blocks.length() <= chunk) {
            return volumes.write(volume, first, blocks, fua);
        }
        List<Future<Void>> parts = new ArrayList<>();
        for (int at = 0; at < blocks.length(); at += chunk) {
            Buffer part = blocks.slice(at, Math.min(blocks.length(), at + chunk));
            parts.add(volumes.write(volume, first + at / bs, part, fua));
        }
        return Future.join(parts).mapEmpty();
    }

    /** Runs {@code work} holding blocks {@code first..last}; the lock is released when its future completes. */
    private Future<Void> locked(String volume, long first, long last, Supplier<Future<Void>> work) {
        return locks.lock(volume, first, last, context).compose(lock -> {
            Future<Void> done;
            try {
                done = work.get();
            } catch (RuntimeException e) {
                done = Future.failedFuture(e);
            }
            return done.andThen(x -> lock.release());
        });
    }
}
