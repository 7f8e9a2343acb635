package io.strongroom.core.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.embed.BlockingStrongroom;
import io.strongroom.core.embed.BlockingVolume;
import io.strongroom.core.embed.Strongroom;
import io.strongroom.core.embed.StrongroomOptions;
import io.strongroom.core.embed.VolumeHandle;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.KeyState;
import io.strongroom.core.keys.KeyVaultsConfig;
import io.strongroom.core.store.BlockStoreException;
import io.strongroom.core.testkit.Await;
import io.strongroom.store.local.LocalFileBlockStoreOptions;
import io.strongroom.store.local.LocalFileStorageBackend;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding API itself: volume handles over futures, the blocking facade (its codes, its refusal on an event
 * loop, its timeout), options checked at start, and what start-up failure and close release. The volume service
 * behind it runs the full contract in {@link EmbeddedVolumeServiceContractTest}.
 */
class EmbeddedStrongroomTest {
    private static final int BS = 4096;

    @TempDir
    Path tmp;

    VolumeTestKit kit;

    @BeforeEach
    void startVault() {
        kit = VolumeTestKit.start(tmp.resolve("kit"));
    }

    @AfterEach
    void stopVault() {
        if (kit != null) {
            kit.close();
        }
    }

    private StrongroomOptions options() {
        return EmbeddedOptions.of(kit, tmp.resolve("embedded"));
    }

    @Test
    void aHandleReadsWritesTrimsAndFlushesThroughFutures() {
        Strongroom strongroom = Await.result(Strongroom.start(options()));
        try {
            Await.result(strongroom.createVolume(new VolumeSpec("h", BS * 8L, BS, null, null)));
            VolumeHandle h = Await.result(strongroom.volume("h"));
            assertEquals("h", h.name());
            assertEquals(BS, h.blockSize());
            assertEquals(8, h.blockCount());
            assertEquals(KeyState.AVAILABLE, Await.result(h.keyState()));

            Buffer two = Buffer.buffer(new byte[2 * BS]).setByte(0, (byte) 1).setByte(BS, (byte) 2);
            Await.result(h.write(2, two));
            Await.result(h.write(6, two, true));
            Await.result(h.flush());
            assertEquals(two, Await.result(h.read(2, 2)));
            assertEquals(two, Await.result(h.read(6, 2)));
            Await.result(h.trim(2, 1));
            assertEquals(Buffer.buffer(new byte[BS]), Await.result(h.read(2, 1)));
            assertEquals(2, Await.result(h.info()).counters().writes());
            assertEquals(1, Await.result(strongroom.listVolumes()).size());
            Await.result(strongroom.deleteVolume("h"));
            assertCode(ErrorCode.VolumeNotFound, Await.failure(h.read(6, 1)));
            assertCode(ErrorCode.VolumeNotFound, Await.failure(strongroom.volume("h")));
        } finally {
            Await.result(strongroom.close());
        }
    }

    @Test
    void blockingCallsThrowTheFailuresCodeWithTheCallersStack() {
        try (BlockingStrongroom strongroom = BlockingStrongroom.start(options())) {
            strongroom.createVolume(new VolumeSpec("b", BS * 4L, BS, null, null));
            BlockingVolume b = strongroom.volume("b");
            StrongroomException outside = assertThrows(StrongroomException.class, () -> b.read(4, 1));
            assertEquals(ErrorCode.BlockOutOfRange, outside.code());
            assertInstanceOf(StrongroomException.class, outside.getCause(), "the original is the cause");
            assertTrue(
                    outside.getStackTrace()[0].getClassName().contains("Blocking"), "thrown where the caller waited");
            assertEquals(
                    ErrorCode.BadBodyLength,
                    assertThrows(StrongroomException.class, () -> b.write(0, new byte[100]))
                            .code());
            assertEquals(
                    ErrorCode.VolumeNotFound,
                    assertThrows(StrongroomException.class, () -> strongroom.volume("nope"))
                            .code());
            assertEquals(
                    ErrorCode.VolumeExists,
                    assertThrows(StrongroomException.class, () -> strongroom.createVolume(new VolumeSpec("b", 8192L)))
                            .code());
        }
    }

    @Test
    void theBlockingFacadeRefusesToRunOnAnEventLoopOrAWorker() {
        try (BlockingStrongroom strongroom = BlockingStrongroom.start(options())) {
            strongroom.createVolume(new VolumeSpec("e", BS * 4L, BS, null, null));
            BlockingVolume e = strongroom.volume("e");
            VertxInternal vertx = (VertxInternal) strongroom.async().vertx();
            for (ContextInternal context : List.of(vertx.createEventLoopContext(), vertx.createWorkerContext())) {
                Promise<Throwable> refused = Promise.promise();
                context.runOnContext(x -> {
                    try {
                        e.write(0, new byte[BS]);
                        refused.fail(
                                "the write ran on " + Thread.currentThread().getName());
                    } catch (IllegalStateException expected) {
                        refused.complete(expected);
                    }
                });
                String why = Await.result(refused.future()).getMessage();
                assertTrue(why.contains(context.isEventLoopContext() ? "event loop" : "worker"), why);
            }
            assertArrayEquals(new byte[BS], e.read(0, 1), "nothing was written");
        }
    }

    @Test
    void aBlockingCallThatGetsNoAnswerInTimeIsARequestTimeout() {
        Strongroom strongroom = Await.result(Strongroom.start(options().setBlockingTimeout(Duration.ofMillis(300))));
        try {
            BlockingStrongroom blocking = BlockingStrongroom.of(strongroom);
            kit.faults(new JsonObject().put("blackholeRate", 1.0)); // the DEK's wrap gets no answer
            StrongroomException late = assertThrows(
                    StrongroomException.class, () -> blocking.createVolume(new VolumeSpec("late", BS * 4L)));
            assertEquals(ErrorCode.RequestTimeout, late.code());
            assertTrue(late.getMessage().contains("300 ms"), late::getMessage);
        } finally {
            kit.faults(new JsonObject());
            Await.result(strongroom.close());
        }
    }

    @Test
    void unusableOptionsAreRefusedBeforeAnythingStarts() {
        assertRefused(options().setStorage(null), "storage");
        assertRefused(options().setVolumes(new VolumeServiceOptions()), "serviceKekId");
        assertRefused(new StrongroomOptions().setStorage(options().getStorage()), "keyVaults");
        assertRefused(options().setBlockingTimeout(Duration.ZERO), "blockingTimeout");
    }

    private static void assertRefused(StrongroomOptions options, String setting) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> BlockingStrongroom.start(options));
        assertTrue(e.getMessage().contains(setting), e::getMessage);
    }

    @Test
    void aFailedStartClosesTheBackendItWasGivenButNotTheVertxInstance() {
        Vertx vertx = Vertx.vertx();
        try {
            LocalFileStorageBackend backend = Await.result(LocalFileStorageBackend.open(
                    vertx, new LocalFileBlockStoreOptions().setDataDir(tmp.resolve("given"))));
            StrongroomOptions options = options()
                    .setVertx(vertx)
                    .setStorage(null)
                    .setStorageBackend(backend)
                    .setKeyVaults(new KeyVaultsConfig().setDefaultIdentity("nobody"));

            Throwable failed = Await.failure(Strongroom.start(options));
            assertTrue(failed.getMessage().contains("nobody"), failed::getMessage);
            BlockStoreException closed =
                    Await.failure(backend.blocks().createVolume(UUID.randomUUID(), BS, 1), BlockStoreException.class);
            assertEquals(BlockStoreException.Reason.CLOSED, closed.reason());
            assertEquals(42, Await.result(vertx.executeBlocking(() -> 42)), "the caller's Vert.x still runs");
        } finally {
            Await.result(vertx.close());
        }
    }

    @Test
    void closeReleasesTheVolumesAndLaterCallsFailAtOnce() {
        Strongroom strongroom = Await.result(Strongroom.start(options()));
        Await.result(strongroom.createVolume(new VolumeSpec("c", BS * 4L, BS, null, null)));
        VolumeHandle c = Await.result(strongroom.volume("c"));
        Await.result(c.write(0, Buffer.buffer(new byte[BS]).setByte(0, (byte) 9)));

        Await.result(strongroom.close());
        Await.result(strongroom.close()); // idempotent
        assertCode(ErrorCode.StorageUnavailable, Await.failure(c.read(0, 1)));
        assertCode(ErrorCode.StorageUnavailable, Await.failure(c.write(0, Buffer.buffer(new byte[BS]))));
        assertEquals(0, strongroom.keyVaults().dekCache().stats().size(), "every DEK destroyed");

        Strongroom again = Await.result(Strongroom.start(options()));
        try {
            VolumeHandle back = Await.result(again.volume("c"));
            assertEquals(9, Await.result(back.read(0, 1)).getByte(0), "the write survived the close");
        } finally {
            Await.result(again.close());
        }
    }

    private static void assertCode(ErrorCode code, Throwable failure) {
        StrongroomException e = assertInstanceOf(StrongroomException.class, failure);
        assertEquals(code, e.code(), e::getMessage);
    }
}
