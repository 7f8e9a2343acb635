package io.strongroom.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.VaultErrorClass;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * When a failing KEK is probed again: a vault that answers but refuses is asked every interval/6 however long the
 * refusal lasted, so a restored identity, permission or key is back within that; only a struggling vault (unreachable,
 * throttling) is backed off further.
 */
class KeyAccessMonitorScheduleTest {
    static final long INTERVAL = Duration.ofSeconds(60).toNanos();
    static final long FIRST = INTERVAL / 6;

    private static KeyVaultException failure(VaultErrorClass cls, int status, Duration retryAfter) {
        return new KeyVaultException(cls, status, null, null, "test", "https://vault.example", retryAfter, null);
    }

    @Test
    void refusalsAreRetriedEveryInterval6thHoweverLongTheyLast() {
        for (VaultErrorClass refusal : new VaultErrorClass[] {
            VaultErrorClass.UNAUTHORIZED,
            VaultErrorClass.FORBIDDEN,
            VaultErrorClass.KEY_DISABLED,
            VaultErrorClass.KEY_NOT_FOUND,
            VaultErrorClass.FIREWALL
        }) {
            for (int failures : new int[] {1, 2, 5, 30}) {
                assertEquals(
                        FIRST,
                        KeyAccessMonitor.retryDelayNanos(INTERVAL, failures, failure(refusal, 403, null)),
                        refusal + " after " + failures + " failures");
            }
        }
    }

    @Test
    void aStrugglingVaultIsBackedOffUpToFourIntervalsAndItsRetryAfterHonoured() {
        KeyVaultException unreachable = failure(VaultErrorClass.UNAVAILABLE, 0, null);
        assertEquals(FIRST, KeyAccessMonitor.retryDelayNanos(INTERVAL, 1, unreachable));
        assertEquals(2 * FIRST, KeyAccessMonitor.retryDelayNanos(INTERVAL, 2, unreachable));
        assertEquals(16 * FIRST, KeyAccessMonitor.retryDelayNanos(INTERVAL, 5, unreachable));
        assertEquals(4 * INTERVAL, KeyAccessMonitor.retryDelayNanos(INTERVAL, 30, unreachable));
        KeyVaultException throttled = failure(VaultErrorClass.THROTTLED, 429, Duration.ofMinutes(7));
        assertEquals(Duration.ofMinutes(7).toNanos(), KeyAccessMonitor.retryDelayNanos(INTERVAL, 1, throttled));
        assertEquals(
                2 * FIRST,
                KeyAccessMonitor.retryDelayNanos(INTERVAL, 2, failure(VaultErrorClass.THROTTLED, 429, null)));
    }
}
