package io.strongroom.gateway.keys;

import io.strongroom.vault.VaultErrorClass;
import java.time.Instant;

/**
 * An immutable view of one KEK's access state.
 *
 * @param since          when {@code state} was entered
 * @param cause          classification of the last failure, null when none happened yet
 * @param causeDetail    short text for operators (operation and the vault's code); never key material or tokens
 * @param lastSuccess    last successful vault operation on this KEK, null if none yet
 * @param lastFailure    last failed vault operation on this KEK, null if none yet
 */
public record KeyAccessSnapshot(
    KekRef kek,
    KeyState state,
    Instant since,
    VaultErrorClass cause,
    String causeDetail,
    Instant lastSuccess,
    Instant lastFailure) {

  static KeyAccessSnapshot initial(KekRef kek, Instant now) {
    return new KeyAccessSnapshot(kek, KeyState.AVAILABLE, now, null, null, null, null);
  }

  KeyAccessSnapshot succeeded(Instant now) {
    Instant newSince = state == KeyState.AVAILABLE ? since : now;
    return new KeyAccessSnapshot(kek, KeyState.AVAILABLE, newSince, cause, causeDetail, now, lastFailure);
  }

  KeyAccessSnapshot failed(Instant now, VaultErrorClass newCause, String detail) {
    KeyState newState = state == KeyState.INACCESSIBLE ? KeyState.INACCESSIBLE : KeyState.DEGRADED;
    Instant newSince = state == newState ? since : now;
    return new KeyAccessSnapshot(kek, newState, newSince, newCause, detail, lastSuccess, now);
  }

  /** The cause as shown to clients and operators, e.g. {@code FORBIDDEN (unwrap: Forbidden)}; null if none. */
  public String causeText() {
    if (cause == null) {
      return causeDetail;
    }
    return causeDetail == null ? cause.name() : cause.name() + " (" + causeDetail + ")";
  }
}
