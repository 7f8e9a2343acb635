package io.strongroom.core.keys;

import io.strongroom.vault.VaultErrorClass;
import java.time.Instant;

/**
 * An immutable view of one KEK's access state.
 *
 * @param since          when {@code state} was entered; for DEGRADED, the first failure since the last success, from
 *                       which the grace period runs
 * @param cause          vault-client's classification of the last failure, null when none happened yet
 * @param causeDetail    short text for operators (operation and the vault's code); never key material or tokens
 * @param lastSuccess    last successful vault operation on this KEK, null if none yet
 * @param lastFailure    last failed vault operation on this KEK, null if none yet
 * @param accessCause    the last failure as the key-access cause shown to clients and operators, null if none yet
 */
public record KeyAccessSnapshot(
        KekRef kek,
        KeyState state,
        Instant since,
        VaultErrorClass cause,
        String causeDetail,
        Instant lastSuccess,
        Instant lastFailure,
        KeyAccessCause accessCause) {

    static KeyAccessSnapshot initial(KekRef kek, Instant now) {
        return new KeyAccessSnapshot(kek, KeyState.AVAILABLE, now, null, null, null, null, null);
    }

    /** A success: back to AVAILABLE, except from INACCESSIBLE, which only a revalidation leaves. */
    KeyAccessSnapshot succeeded(Instant now) {
        if (state == KeyState.INACCESSIBLE) {
            return new KeyAccessSnapshot(kek, state, since, cause, causeDetail, now, lastFailure, accessCause);
        }
        return available(now);
    }

    /** A successful revalidation: AVAILABLE from any state. */
    KeyAccessSnapshot available(Instant now) {
        Instant newSince = state == KeyState.AVAILABLE ? since : now;
        return new KeyAccessSnapshot(
                kek, KeyState.AVAILABLE, newSince, cause, causeDetail, now, lastFailure, accessCause);
    }

    /**
     * A failure recorded {@code now} of a call whose first attempt was sent at {@code firstAttempt}: entering DEGRADED,
     * the grace period runs from that first attempt (but not from before the last success, which proved access).
     */
    KeyAccessSnapshot failed(
            Instant now, Instant firstAttempt, VaultErrorClass newCause, KeyAccessCause newAccessCause, String detail) {
        KeyState newState = state == KeyState.INACCESSIBLE ? KeyState.INACCESSIBLE : KeyState.DEGRADED;
        Instant newSince = state == newState ? since : failingSince(now, firstAttempt);
        return new KeyAccessSnapshot(kek, newState, newSince, newCause, detail, lastSuccess, now, newAccessCause);
    }

    private Instant failingSince(Instant now, Instant firstAttempt) {
        Instant from = firstAttempt.isAfter(now) ? now : firstAttempt;
        return lastSuccess != null && lastSuccess.isAfter(from) ? lastSuccess : from;
    }

    /** The grace period is over: INACCESSIBLE since now, with the last failure's cause. */
    KeyAccessSnapshot inaccessible(Instant now) {
        return new KeyAccessSnapshot(
                kek, KeyState.INACCESSIBLE, now, cause, causeDetail, lastSuccess, lastFailure, accessCause);
    }

    /** The cause as shown to clients and operators, e.g. {@code FORBIDDEN (unwrap: Forbidden)}; null if none. */
    public String causeText() {
        if (cause == null) {
            return causeDetail;
        }
        return causeDetail == null ? cause.name() : cause.name() + " (" + causeDetail + ")";
    }

    /** The stable JSON name of the last failure's cause (e.g. {@code keyDisabled}), or null. */
    public String causeName() {
        return accessCause == null ? null : accessCause.jsonName();
    }
}
