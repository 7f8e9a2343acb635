package io.strongroom.core.keys;

/**
 * Access state of one KEK (state machine in docs/KEY-ACCESS.md): blocks are served in AVAILABLE and DEGRADED,
 * refused in INACCESSIBLE.
 */
public enum KeyState {
    AVAILABLE,
    DEGRADED,
    INACCESSIBLE
}
