package io.strongroom.core.testkit.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.KeyState;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.volume.VolumeInfo;
import io.strongroom.core.volume.VolumeService;
import io.strongroom.core.volume.VolumeSpec;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link VolumeService} gives a frontend, whatever wires it: create, list, describe and delete volumes;
 * blocks read back as written, zeros where never written or trimmed; flush and force-unit-access writes; each
 * refused request failing with its {@link ErrorCode} and changing nothing. Published in core's test-jar: an
 * implementation's test extends it and says how to open, restart and close a service (a fresh one, with no volumes
 * and a usable service KEK, for every test). Calls come from the test thread, not an event loop, as an embedding
 * application's would.
 */
public abstract class VolumeServiceContract {
    protected static final int BS = 4096;
    protected static final long BLOCKS = 16;

    protected VolumeService service;

    /** A started service with no volumes, able to create volumes under its service KEK. */
    protected abstract VolumeService openService() throws Exception;

    /** Closes {@code service} gracefully and opens it again over the same storage and keys. */
    protected abstract VolumeService restartService(VolumeService service) throws Exception;

    /** Closes {@code service} and whatever {@link #openService()} started for it. */
    protected abstract void closeService(VolumeService service) throws Exception;

    @BeforeEach
    final void openTheService() throws Exception {
        service = openService();
    }

    @AfterEach
    final void closeTheService() throws Exception {
        closeService(service);
    }

    @Test
    void createdVolumesAreListedByNameAndDescribed() {
        VolumeInfo created = Await.result(service.create(new VolumeSpec("vb", BS * BLOCKS, BS, null, null)));
        Await.result(service.create(new VolumeSpec("va", 8192L * 4)));

        assertEquals(List.of("va", "vb"), names(Await.result(service.list())));
        VolumeInfo got = Await.result(service.get("vb"));
        assertEquals(created.id(), got.id());
        assertEquals(BS, got.blockSize());
        assertEquals(BLOCKS, got.blockCount());
        assertEquals(BS * BLOCKS, got.sizeBytes());
        assertEquals(KeyState.AVAILABLE, got.keyState());
        assertEquals(1, got.dekIds().size(), "one DEK");
        assertEquals(OptionalInt.of(BS), service.blockSize("vb"));
        assertEquals(OptionalInt.of(VolumeSpec.DEFAULT_BLOCK_SIZE), service.blockSize("va"));
    }

    @Test
    void aNameIsTakenOnce() {
        volume("taken");
        fails(service.create(new VolumeSpec("taken", BS * BLOCKS, BS, null, null)), ErrorCode.VolumeExists);
        assertEquals(List.of("taken"), names(Await.result(service.list())));
    }

    @Test
    void unusableSpecsAreRefusedWithInvalidArgument() {
        fails(service.create(new VolumeSpec("Not A Name", BS * BLOCKS, BS, null, null)), ErrorCode.InvalidArgument);
        fails(service.create(new VolumeSpec("v", BS * BLOCKS, 1000, null, null)), ErrorCode.InvalidArgument);
        fails(service.create(new VolumeSpec("v", 0, BS, null, null)), ErrorCode.InvalidArgument);
        fails(service.create(new VolumeSpec("v", BS + 1, BS, null, null)), ErrorCode.InvalidArgument);
        assertEquals(List.of(), Await.result(service.list()), "nothing was created");
    }

    @Test
    void writtenBlocksReadBack() {
        volume("v");
        Buffer run = pattern(3, 1);
        Await.result(service.write("v", 5, run));

        assertEquals(run, Await.result(service.read("v", 5, 3)));
        assertEquals(pattern(1, 1), Await.result(service.read("v", 5, 1)), "a run's first block alone");
        Buffer around = Await.result(service.read("v", 4, 5));
        assertEquals(zeros(1), around.slice(0, BS), "block 4 was never written");
        assertEquals(run, around.slice(BS, 4 * BS));
        assertEquals(zeros(1), around.slice(4 * BS, 5 * BS), "block 8 was never written");
        Await.result(service.write("v", 6, pattern(1, 2)));
        assertEquals(pattern(1, 2), Await.result(service.read("v", 6, 1)), "an overwrite replaces the block");
    }

    @Test
    void neverWrittenBlocksReadAsZeros() {
        volume("v");
        assertEquals(zeros((int) BLOCKS), Await.result(service.read("v", 0, (int) BLOCKS)));
    }

    @Test
    void trimmedBlocksReadAsZeros() {
        volume("v");
        Await.result(service.write("v", 0, pattern(4, 3)));
        Await.result(service.trim("v", 1, 2));

        Buffer back = Await.result(service.read("v", 0, 4));
        assertEquals(pattern(4, 3).slice(0, BS), back.slice(0, BS));
        assertEquals(zeros(2), back.slice(BS, 3 * BS));
        assertEquals(pattern(4, 3).slice(3 * BS, 4 * BS), back.slice(3 * BS, 4 * BS));
    }

    @Test
    void flushedWritesSurviveARestart() throws Exception {
        volume("v");
        Await.result(service.write("v", 2, pattern(2, 4)));
        Await.result(service.flush("v"));

        service = restartService(service);
        assertEquals(pattern(2, 4), Await.result(service.read("v", 2, 2)));
        assertEquals(OptionalInt.of(BS), service.blockSize("v"));
    }

    @Test
    void forceUnitAccessWritesReadBackAndSurviveARestart() throws Exception {
        volume("v");
        Await.result(service.write("v", 7, pattern(2, 5), true));
        assertEquals(pattern(2, 5), Await.result(service.read("v", 7, 2)));

        service = restartService(service);
        assertEquals(pattern(2, 5), Await.result(service.read("v", 7, 2)));
    }

    @Test
    void runsOutsideTheVolumeFailWithBlockOutOfRange() {
        volume("v");
        fails(service.read("v", BLOCKS, 1), ErrorCode.BlockOutOfRange);
        fails(service.read("v", BLOCKS - 1, 2), ErrorCode.BlockOutOfRange);
        fails(service.read("v", -1, 1), ErrorCode.BlockOutOfRange);
        fails(service.write("v", BLOCKS - 1, pattern(2, 6)), ErrorCode.BlockOutOfRange);
        fails(service.write("v", Long.MAX_VALUE, pattern(1, 6)), ErrorCode.BlockOutOfRange);
        fails(service.trim("v", BLOCKS - 1, 2), ErrorCode.BlockOutOfRange);
        fails(service.read("v", 0, 0), ErrorCode.InvalidArgument);
        fails(service.trim("v", 0, 0), ErrorCode.InvalidArgument);
        assertEquals(zeros((int) BLOCKS), Await.result(service.read("v", 0, (int) BLOCKS)), "nothing was written");
    }

    @Test
    void writesOfPartialBlocksFailWithBadBodyLength() {
        volume("v");
        fails(service.write("v", 0, Buffer.buffer(new byte[100])), ErrorCode.BadBodyLength);
        fails(service.write("v", 0, pattern(1, 7).appendByte((byte) 1)), ErrorCode.BadBodyLength);
        fails(service.write("v", 0, Buffer.buffer()), ErrorCode.BadBodyLength);
        assertEquals(zeros(2), Await.result(service.read("v", 0, 2)), "nothing was written");
    }

    @Test
    void anUnknownVolumeFailsWithVolumeNotFound() {
        assertEquals(OptionalInt.empty(), service.blockSize("nope"));
        fails(service.get("nope"), ErrorCode.VolumeNotFound);
        fails(service.read("nope", 0, 1), ErrorCode.VolumeNotFound);
        fails(service.write("nope", 0, pattern(1, 8)), ErrorCode.VolumeNotFound);
        fails(service.write("nope", 0, pattern(1, 8), true), ErrorCode.VolumeNotFound);
        fails(service.trim("nope", 0, 1), ErrorCode.VolumeNotFound);
        fails(service.flush("nope"), ErrorCode.VolumeNotFound);
        fails(service.delete("nope"), ErrorCode.VolumeNotFound);
    }

    @Test
    void aDeletedVolumeIsGoneAndItsNameFree() {
        volume("v");
        Await.result(service.write("v", 0, pattern(1, 9)));
        Await.result(service.delete("v"));

        assertEquals(List.of(), Await.result(service.list()));
        assertEquals(OptionalInt.empty(), service.blockSize("v"));
        fails(service.get("v"), ErrorCode.VolumeNotFound);
        fails(service.read("v", 0, 1), ErrorCode.VolumeNotFound);
        fails(service.write("v", 0, pattern(1, 9)), ErrorCode.VolumeNotFound);
        fails(service.delete("v"), ErrorCode.VolumeNotFound);
        volume("v");
        assertEquals(zeros(1), Await.result(service.read("v", 0, 1)), "a new volume of that name starts empty");
    }

    @Test
    void callsFromManyPlainThreadsAtOnceAllLand() throws Exception {
        volume("v");
        int threads = 4;
        int perThread = (int) BLOCKS / threads;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t * perThread;
                writers.add(pool.submit(() -> {
                    for (int b = first; b < first + perThread; b++) {
                        Await.result(service.write("v", b, pattern(1, 100 + b)));
                    }
                }));
            }
            for (java.util.concurrent.Future<?> w : writers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        Buffer all = Await.result(service.read("v", 0, (int) BLOCKS));
        for (int b = 0; b < BLOCKS; b++) {
            assertEquals(pattern(1, 100 + b), all.slice(b * BS, (b + 1) * BS), "block " + b);
        }
        assertTrue(Await.result(service.get("v")).counters().writes() >= BLOCKS, "every write counted");
    }

    /** Creates a volume of {@link #BLOCKS} blocks of {@link #BS} bytes under the service KEK. */
    protected VolumeInfo volume(String name) {
        return Await.result(service.create(new VolumeSpec(name, BS * BLOCKS, BS, null, null)));
    }

    /** Asserts that {@code future} fails with a StrongroomException of {@code code}; returns it. */
    protected static StrongroomException fails(Future<?> future, ErrorCode code) {
        StrongroomException e = Await.failure(future, StrongroomException.class);
        assertEquals(code, e.code(), e::getMessage);
        return e;
    }

    /** {@code blocks} blocks of bytes that differ by {@code seed} and by position. */
    protected static Buffer pattern(int blocks, int seed) {
        byte[] bytes = new byte[blocks * BS];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (seed * 31 + i * 7 + (i >>> 9));
        }
        return Buffer.buffer(bytes);
    }

    protected static Buffer zeros(int blocks) {
        return Buffer.buffer(new byte[blocks * BS]);
    }

    private static List<String> names(List<VolumeInfo> infos) {
        return infos.stream().map(VolumeInfo::name).toList();
    }
}
