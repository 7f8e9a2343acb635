package io.strongroom.core.volume;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.concurrent.EventExecutor;
import io.strongroom.core.embed.BlockingStrongroom;
import io.strongroom.core.embed.BlockingVolume;
import io.strongroom.core.embed.StrongroomOptions;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.KeyAccessRule;
import io.strongroom.core.keys.KeyState;
import io.strongroom.crypto.BlockSealer;
import io.strongroom.crypto.DekId;
import io.vertx.core.internal.VertxInternal;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sealing from an application's own threads leaves no key residue behind: an embedding caller on a plain thread (and
 * on a virtual thread, JDK 21+) writes and reads through the blocking API; its thread never keys a Cipher (the seals
 * run on Strongroom's event loops), the loops that did hold the DEK are scrubbed once its KEK goes INACCESSIBLE, and
 * reads then fail with KeyInaccessible.
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
    }

    @AfterEach
    void stop() {
        try {
            if (strongroom != null) {
                strongroom.close();
            }
        } finally {
            kit.close();
        }
    }

    @Test
    void aPlainThreadLeavesNoResidueAndTheLoopsAreScrubbedWhenTheKeyIsLost() throws Exception {
        revokeAfterUseOn(command -> {
            Thread plain = new Thread(command, "embedding-caller");
            plain.start();
            return plain;
        });
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void aVirtualThreadLeavesNoResidueAndTheLoopsAreScrubbedWhenTheKeyIsLost() throws Exception {
        // Compiled for Java 17: Thread.ofVirtual() is reached by reflection.
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Method start = Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class);
        Method isVirtual = Thread.class.getMethod("isVirtual");
        revokeAfterUseOn(command -> {
            Thread virtual = (Thread) start.invoke(builder, command);
            assertTrue((Boolean) isVirtual.invoke(virtual), "a virtual thread");
            return virtual;
        });
    }

    /** Starts a thread that runs a task. */
    interface ThreadStarter {
        Thread start(Runnable command) throws Exception;
    }

    private void revokeAfterUseOn(ThreadStarter threads) throws Exception {
        BlockingVolume volume = strongroom.volume("r");
        DekId dek = DekId.parse(volume.info().dekIds().get(0));
        byte[] block = new byte[volume.blockSize()];
        Arrays.fill(block, (byte) 7);

        Optional<DekId> callerResidue = onThread(threads, () -> {
            volume.write(3, block, true);
            assertArrayEquals(block, volume.read(3, 1));
            return SEALER.keyResidue();
        });
        assertEquals(Optional.empty(), callerResidue, "the caller's thread never keyed a Cipher");
        assertTrue(loopResidues().contains(Optional.of(dek)), "an event loop sealed and opened with the DEK");

        kit.setEnabled(kid, false);
        try {
            await().atMost(WAIT).until(volume::keyState, state -> state == KeyState.INACCESSIBLE);
            await().atMost(WAIT)
                    .untilAsserted(() ->
                            assertFalse(loopResidues().contains(Optional.of(dek)), "every event loop forgot the DEK"));
            StrongroomException refused = onThread(threads, () -> {
                StrongroomException e = assertThrows(StrongroomException.class, () -> volume.read(3, 1));
                assertEquals(Optional.empty(), SEALER.keyResidue(), "the refused read keyed no Cipher either");
                return e;
            });
            assertEquals(ErrorCode.KeyInaccessible, refused.code(), refused::getMessage);
        } finally {
            kit.setEnabled(kid, true);
        }
    }

    /** Runs {@code task} on a new thread from {@code threads}; its result, or its failure rethrown. */
    private static <T> T onThread(ThreadStarter threads, Callable<T> task) throws Exception {
        FutureTask<T> outcome = new FutureTask<>(task);
        Thread thread = threads.start(outcome);
        try {
            return outcome.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw (Exception) e.getCause();
        } finally {
            thread.join(WAIT.toMillis());
        }
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
