package io.strongroom.core.volume;

import static io.strongroom.core.volume.VolumeTestKit.await;
import static io.strongroom.core.volume.VolumeTestKit.awaitFailure;
import static io.strongroom.core.volume.VolumeTestKit.pattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.KeyAccessSnapshot;
import io.strongroom.core.keys.KeyState;
import io.strongroom.vault.VaultErrorClass;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A DEK that cannot be unwrapped at start-up makes its volume answer KeyUnavailable until the vault allows. */
class KeyUnavailableTest extends WithVolumeKit {
    static final int BS = 8192;

    @Test
    void disabledKeyAtStartupThenReenabled() {
        String key = VolumeTestKit.uniqueKeyName("customer");
        String kid = kit.createKey(key);
        await(kit.service.create(new VolumeSpec("cust", BS * 8L, 0, kit.keyUrl(key), null)));
        await(kit.service.create(new VolumeSpec("svc", BS * 8L)));
        await(kit.service.write("cust", 0, pattern(BS, 4, 1)));
        await(kit.service.write("svc", 0, pattern(BS, 4, 2)));

        kit.closeService();
        kit.setEnabled(kid, false);
        kit.open(); // start-up completes although one key refuses

        StrongroomException e = awaitFailure(kit.service.read("cust", 0, 4), ErrorCode.KeyUnavailable);
        assertTrue(e.getMessage().contains("KEY_DISABLED"), e.getMessage());
        awaitFailure(kit.service.write("cust", 4, pattern(BS, 1, 3)), ErrorCode.KeyUnavailable);
        awaitFailure(kit.service.trim("cust", 0, 1), ErrorCode.KeyUnavailable);
        VolumeInfo info = await(kit.service.get("cust"));
        assertEquals(KeyState.DEGRADED, info.keyState());
        assertTrue(info.keyStateCause().startsWith("KEY_DISABLED"), info.keyStateCause());
        KeyAccessSnapshot state = kit.keys.keyStates().stream()
                .filter(s -> s.kek().keyName().equals(key))
                .findFirst()
                .orElseThrow();
        assertEquals(VaultErrorClass.KEY_DISABLED, state.cause());

        // The volume under the service key is not affected.
        assertEquals(pattern(BS, 4, 2), await(kit.service.read("svc", 0, 4)));
        assertEquals(KeyState.AVAILABLE, await(kit.service.get("svc")).keyState());

        kit.setEnabled(kid, true);
        Buffer back = eventually(() -> kit.service.read("cust", 0, 4));
        assertEquals(pattern(BS, 4, 1), back);
        VolumeInfo recovered = await(kit.service.get("cust"));
        assertEquals(KeyState.AVAILABLE, recovered.keyState());
        assertEquals(null, recovered.keyStateCause(), "no cause shown once the key is available again");
        await(kit.service.write("cust", 4, pattern(BS, 1, 3)));
        assertEquals(pattern(BS, 1, 3), await(kit.service.read("cust", 4, 1)));
    }

    @Test
    void unwrapPermissionRefusedByTheVaultThenRestored() {
        await(kit.service.create(new VolumeSpec("v", BS * 4L)));
        await(kit.service.write("v", 0, pattern(BS, 2, 7)));
        kit.closeService();
        kit.faults(new JsonObject()
                .put(
                        "errors",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("status", 403)
                                        .put("code", "Forbidden")
                                        .put("rate", 1.0)
                                        .put("operations", new JsonArray().add("unwrapKey")))));
        kit.open();

        awaitFailure(kit.service.read("v", 0, 2), ErrorCode.KeyUnavailable);
        assertEquals(KeyState.DEGRADED, await(kit.service.get("v")).keyState());
        long misses = kit.keys.dekCache().stats().misses();

        kit.faults(new JsonObject());
        assertEquals(pattern(BS, 2, 7), eventually(() -> kit.service.read("v", 0, 2)));
        assertEquals(KeyState.AVAILABLE, await(kit.service.get("v")).keyState());
        assertTrue(kit.keys.dekCache().stats().hits() > 0);
        assertTrue(kit.keys.dekCache().stats().misses() >= misses);
    }

    @Test
    void blackholedVaultDelaysStartupByOneDeadlineThenVolumesRecover() {
        for (int i = 0; i < 4; i++) {
            await(kit.service.create(new VolumeSpec("b" + i, BS * 2L)));
            await(kit.service.write("b" + i, 0, pattern(BS, 1, i)));
        }
        kit.closeService();
        kit.faults(new JsonObject().put("blackholeRate", 1.0));
        long started = System.nanoTime();
        kit.open(1); // one unwrap at a time: without skipping, 4 call deadlines (3 s each)
        long openMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(openMillis < 7_000, "start-up took " + openMillis + " ms");
        for (int i = 0; i < 4; i++) {
            awaitFailure(kit.service.read("b" + i, 0, 1), ErrorCode.KeyUnavailable);
        }
        assertEquals(VaultErrorClass.UNAVAILABLE, kit.keys.keyStates().get(0).cause());

        kit.faults(new JsonObject());
        for (int i = 0; i < 4; i++) {
            kit.service.read("b" + i, 0, 1); // each starts its volume's unwrap: they recover side by side
        }
        for (int i = 0; i < 4; i++) {
            int n = i;
            assertEquals(pattern(BS, 1, n), eventually(() -> kit.service.read("b" + n, 0, 1)));
        }
        assertEquals(KeyState.AVAILABLE, kit.keys.keyStates().get(0).state());
    }

    /** Retries an operation that fails with KeyUnavailable until it succeeds (within 10 s). */
    private static <T> T eventually(java.util.function.Supplier<io.vertx.core.Future<T>> op) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            io.vertx.core.Future<T> f = op.get();
            try {
                return f.toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof StrongroomException g)
                        || g.code() != ErrorCode.KeyUnavailable
                        || System.nanoTime() > deadline) {
                    fail("operation did not recover: " + e.getCause(), e.getCause());
                }
            } catch (Exception e) {
                fail(e);
            }
            sleep(50);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
