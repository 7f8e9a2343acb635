package io.strongroom.core.volume;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.concurrent.EventExecutor;
import io.strongroom.core.embed.BlockingStrongroom;
import io.strongroom.core.embed.BlockingVolume;
import io.strongroom.core.embed.StrongroomOptions;
import io.strongroom.core.embed.VolumeHandle;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.KeyAccessRule;
import io.strongroom.core.keys.KeyState;
import io.strongroom.core.testkit.Await;
import io.strongroom.crypto.BlockSealer;
import io.strongroom.crypto.DekId;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealing from an application's own threads leaves no key residue behind. An embedding caller on a plain thread or
 * (JDK 21+) a virtual thread writes and reads through the blocking API, a worker verticle's context through the
 * future API: the caller's thread never keys a Cipher (the seals run on Strongroom's event loops), the loops that
 * did hold the DEK are scrubbed once its KEK goes INACCESSIBLE, and reads then fail with KeyInaccessible.
 */
class SealingThreadsTest {
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final BlockSealer SEALER = BlockSealer.create();

    @TempDir
    Path tmp;

    VolumeTestKit kit;
    BlockingStrongroom strongroom;
    String kid;
    BlockingVolume volume;
    DekId dek;
    byte[] block;

    @BeforeEach
    void start() {
        kit = VolumeTestKit.start(tmp.resolve("kit"));
        String key = VolumeTestKit.uniqueKeyName("residue");
        kid = kit.createKey(key);
        StrongroomOptions options = EmbeddedOptions.of(kit, tmp.resolve("embedded"))
                .setKeyAccess(new KeyAccessRule.Settings(
                        GRACE, Duration.ofMillis(250), List.of(), tmp.resolve("activity.log")));
        strongroom = BlockingStrongroom.start(options);
        strongroom.createVolume(new VolumeSpec("r", 4096L * 16, 4096, kit.keyUrl(key), null));
        volume = strongroom.volume("r");
        dek = DekId.parse(volume.info().dekIds().get(0));
        block = new byte[volume.blockSize()];
        Arrays.fill(block, (byte) 7);
    }

    @AfterEach
    void stop() {
        try {
            if (strongroom != null) {
                strongroom.close();
            }
        } finally {
            if (kid != null) {
                kit.setEnabled(kid, true);
            }
            kit.close();
        }
    }

    @Test
    void aPlainThreadLeavesNoResidueAndTheLoopsAreScrubbedWhenTheKeyIsLost() throws Exception {
        useAndRevokeOn(command -> new Thread(command, "embedding-caller").start());
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void aVirtualThreadLeavesNoResidueAndTheLoopsAreScrubbedWhenTheKeyIsLost() throws Exception {
        // Compiled for Java 17: Thread.ofVirtual() is reached by reflection.
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
        Method isVirtual = Thread.class.getMethod("isVirtual");
        useAndRevokeOn(command -> {
            Thread virtual = (Thread) start.invoke(builder, command);
            assertTrue((Boolean) isVirtual.invoke(virtual), "a virtual thread");
        });
    }

    @Test
    void aWorkerContextLeavesNoResidueAndTheLoopsAreScrubbedWhenTheKeyIsLost() throws Exception {
        // A worker verticle's context: the future API, answers back on the worker context.
        ContextInternal worker = ((VertxInternal) strongroom.async().vertx()).createWorkerContext();
        VolumeHandle handle = volume.async();
        Optional<DekId> workerResidue = onWorker(
                worker,
                () -> handle.write(3, Buffer.buffer(block), true)
                        .compose(x -> handle.read(3, 1))
                        .map(back -> {
                            assertArrayEquals(block, back.getBytes());
                            assertTrue(Context.isOnWorkerThread(), "the answer comes back on the worker context");
                            return SEALER.keyResidue();
                        }));
        assertEquals(Optional.empty(), workerResidue, "the worker's threads never keyed a Cipher");
        assertTrue(loopResidues().contains(Optional.of(dek)), "an event loop sealed and opened with the DEK");

        revokeThenRead(() -> onWorker(
                worker,
                () -> handle.read(3, 1).transform(ar -> {
                    assertEquals(Optional.empty(), SEALER.keyResidue(), "the refused read keyed no Cipher either");
                    return ar.failed()
                            ? Future.succeededFuture(assertInstanceOf(StrongroomException.class, ar.cause()))
                            : Future.failedFuture("the read was served");
                })));
    }

    /** Runs a task on a thread of some kind (plain, virtual), not the test's. */
    interface Threads {
        void run(Runnable command) throws Exception;
    }

    private void useAndRevokeOn(Threads threads) throws Exception {
        Optional<DekId> callerResidue = onThread(threads, () -> {
            volume.write(3, block, true);
            assertArrayEquals(block, volume.read(3, 1));
            return SEALER.keyResidue();
        });
        assertEquals(Optional.empty(), callerResidue, "the caller's thread never keyed a Cipher");
        assertTrue(loopResidues().contains(Optional.of(dek)), "an event loop sealed and opened with the DEK");

        revokeThenRead(() -> onThread(threads, () -> {
            StrongroomException e = assertThrows(StrongroomException.class, () -> volume.read(3, 1));
            assertEquals(Optional.empty(), SEALER.keyResidue(), "the refused read keyed no Cipher either");
            return e;
        }));
    }

    /**
     * Disables the volume's KEK, waits for INACCESSIBLE (a failed probe, then the 2 s grace period) and for the scrub
     * of every event loop, then checks that {@code refusedRead} fails with KeyInaccessible.
     */
    private void revokeThenRead(Callable<StrongroomException> refusedRead) throws Exception {
        kit.setEnabled(kid, false);
        await().atMost(WAIT).until(volume::keyState, state -> state == KeyState.INACCESSIBLE);
        await().atMost(WAIT)
                .untilAsserted(() ->
                        assertFalse(loopResidues().contains(Optional.of(dek)), "every event loop forgot the DEK"));
        StrongroomException refused = refusedRead.call();
        assertEquals(ErrorCode.KeyInaccessible, refused.code(), refused::getMessage);
    }

    /** Runs {@code task} on a thread from {@code threads}; its result, or its failure rethrown. */
    private static <T> T onThread(Threads threads, Callable<T> task) throws Exception {
        FutureTask<T> outcome = new FutureTask<>(task);
        threads.run(outcome);
        try {
            return outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (Exception) e.getCause();
        }
    }

    /** Starts {@code task} on the worker context; the outcome of the future it returns. */
    private static <T> T onWorker(ContextInternal worker, Supplier<Future<T>> task) {
        Promise<T> outcome = Promise.promise();
        worker.runOnContext(x -> task.get().onComplete(outcome));
        return Await.result(outcome.future());
    }

    /** The DEK residue of each event loop of the embedded Strongroom's Vert.x instance, asked on that loop. */
    private List<Optional<DekId>> loopResidues() throws Exception {
        List<Optional<DekId>> residues = new ArrayList<>();
        for (EventExecutor loop : ((VertxInternal) strongroom.async().vertx()).nettyEventLoopGroup()) {
            residues.add(loop.submit(SEALER::keyResidue).get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        return residues;
    }
}
