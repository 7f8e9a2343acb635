package io.strongroom.core.health;

import io.strongroom.core.keys.KeyState;
import java.util.Collection;

/** The overall status of a gateway, from which a frontend or a supervisor decides whether to send it traffic. */
public enum HealthStatus {
    /** Everything works as configured. */
    UP,
    /**
     * Volumes are served, with trouble an operator should see: a key not available, AES-NI off, a volume the store
     * does not fully serve (full file system, stopped by an I/O error).
     */
    DEGRADED,
    /** No volume can be served: every KEK in use is inaccessible. */
    DOWN;

    /**
     * The status from the states of the KEKs in use and the AES-NI probe. With no KEK in use nothing is refused, so
     * the keys alone never make an idle gateway DOWN.
     */
    public static HealthStatus of(Collection<KeyState> keyStates, boolean aesIntrinsicsOn) {
        return of(keyStates, aesIntrinsicsOn, 0);
    }

    /**
     * As {@link #of(Collection, boolean)}, and DEGRADED (unless DOWN) while {@code faultedVolumes} volumes are not
     * fully served by the store: the others are, so the gateway still takes traffic.
     */
    public static HealthStatus of(Collection<KeyState> keyStates, boolean aesIntrinsicsOn, int faultedVolumes) {
        if (!keyStates.isEmpty() && keyStates.stream().allMatch(s -> s == KeyState.INACCESSIBLE)) {
            return DOWN;
        }
        boolean keysAvailable = keyStates.stream().allMatch(s -> s == KeyState.AVAILABLE);
        return keysAvailable && aesIntrinsicsOn && faultedVolumes == 0 ? UP : DEGRADED;
    }
}
