package io.strongroom.core.volume;

import static io.strongroom.core.volume.VolumeTestKit.awaitFailure;
import static io.strongroom.core.volume.VolumeTestKit.pattern;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.keys.KeyAccessSnapshot;
import io.strongroom.core.keys.KeyState;
import io.strongroom.core.testkit.Await;
import io.strongroom.vault.VaultErrorClass;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A DEK that cannot be unwrapped at start-up makes its volume answer KeyUnavailable until the vault allows. */
class KeyUnavailableTest extends WithVolumeKit {
    static final int BS = 8192;

    @Test
    void disabledKeyAtStartupThenReenabled() {
        String key = VolumeTestKit.uniqueKeyName("customer");
        String kid = kit.createKey(key);
        Await.result(kit.service.create(new VolumeSpec("cust", BS * 8L, 0, kit.keyUrl(key), null)));
        Await.result(kit.service.create(new VolumeSpec("svc", BS * 8L)));
        Await.result(kit.service.write("cust", 0, pattern(BS, 4, 1)));
        Await.result(kit.service.write("svc", 0, pattern(BS, 4, 2)));

        kit.closeService();
        kit.setEnabled(kid, false);
        kit.open(); // start-up completes although one key refuses

        StrongroomException e = awaitFailure(kit.service.read("cust", 0, 4), ErrorCode.KeyUnavailable);
        assertTrue(e.getMessage().contains("KEY_DISABLED"), e.getMessage());
        awaitFailure(kit.service.write("cust", 4, pattern(BS, 1, 3)), ErrorCode.KeyUnavailable);
        awaitFailure(kit.service.trim("cust", 0, 1), ErrorCode.KeyUnavailable);
        VolumeInfo info = Await.result(kit.service.get("cust"));
        assertEquals(KeyState.DEGRADED, info.keyState());
        assertEquals("keyDisabled", info.keyStateCause(), "worded as everywhere else");
        assertTrue(info.keyStateCauseDetail().startsWith("KEY_DISABLED"), info.keyStateCauseDetail());
        KeyAccessSnapshot state = kit.keys.keyStates().stream()
                .filter(s -> s.kek().keyName().equals(key))
                .findFirst()
                .orElseThrow();
        assertEquals(VaultErrorClass.KEY_DISABLED, state.cause());

        // The volume under the service key is not affected.
        assertEquals(pattern(BS, 4, 2), Await.result(kit.service.read("svc", 0, 4)));
        assertEquals(KeyState.AVAILABLE, Await.result(kit.service.get("svc")).keyState());

        kit.setEnabled(kid, true);
        Buffer back = eventually(() -> kit.service.read("cust", 0, 4));
        assertEquals(pattern(BS, 4, 1), back);
        VolumeInfo recovered = Await.result(kit.service.get("cust"));
        assertEquals(KeyState.AVAILABLE, recovered.keyState());
        assertEquals(null, recovered.keyStateCause(), "no cause shown once the key is available again");
        assertEquals(null, recovered.keyStateCauseDetail());
        Await.result(kit.service.write("cust", 4, pattern(BS, 1, 3)));
        assertEquals(pattern(BS, 1, 3), Await.result(kit.service.read("cust", 4, 1)));
    }

    @Test
    void unwrapPermissionRefusedByTheVaultThenRestored() {
        Await.result(kit.service.create(new VolumeSpec("v", BS * 4L)));
        Await.result(kit.service.write("v", 0, pattern(BS, 2, 7)));
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
        assertEquals(KeyState.DEGRADED, Await.result(kit.service.get("v")).keyState());
        long misses = kit.keys.dekCache().stats().misses();

        kit.faults(new JsonObject());
        assertEquals(pattern(BS, 2, 7), eventually(() -> kit.service.read("v", 0, 2)));
        assertEquals(KeyState.AVAILABLE, Await.result(kit.service.get("v")).keyState());
        assertTrue(kit.keys.dekCache().stats().hits() > 0);
        assertTrue(kit.keys.dekCache().stats().misses() >= misses);
    }

    @Test
    void blackholedVaultDelaysStartupByOneDeadlineThenVolumesRecover() {
        for (int i = 0; i < 4; i++) {
            Await.result(kit.service.create(new VolumeSpec("b" + i, BS * 2L)));
            Await.result(kit.service.write("b" + i, 0, pattern(BS, 1, i)));
        }
        kit.closeService();
        // Short deadlines: every call into the black hole waits its whole deadline.
        kit.vaultTuning = o -> o.setCallDeadline(Duration.ofSeconds(3)).setAttemptTimeout(Duration.ofSeconds(1));
        kit.faults(new JsonObject().put("blackholeRate", 1.0));
        long blackholedBefore = kit.blackholedRequests();
        kit.open(1); // one unwrap at a time: without skipping, one call deadline per volume
        long blackholed = kit.blackholedRequests() - blackholedBefore;
        assertTrue(
                blackholed > 0 && blackholed < 4 * 2,
                "the first unwrap's failure skips the other volumes (4 volumes, 2 attempts per call): " + blackholed
                        + " requests blackholed");
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

    /** Retries an operation that fails with KeyUnavailable until it succeeds; any other failure fails the test. */
    private static <T> T eventually(Supplier<Future<T>> op) {
        AtomicReference<T> result = new AtomicReference<>();
        await("recovery from KeyUnavailable")
                .atMost(Await.DEFAULT_TIMEOUT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    try {
                        result.set(Await.result(op.get()));
                        return true;
                    } catch (StrongroomException e) {
                        if (e.code() != ErrorCode.KeyUnavailable) {
                            throw e;
                        }
                        return false;
                    }
                });
        return result.get();
    }
}
