package io.strongroom.gateway.keys;

import io.strongroom.gateway.error.ErrorCode;
import io.strongroom.gateway.error.GatewayException;
import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.VaultErrorClass;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Access state of one KEK, fed by the outcome of every vault call made for it.
 *
 * <p>Today: AVAILABLE, DEGRADED after a failed call (unwrap, or a probe later), back to AVAILABLE on the next
 * success. The clock-driven DEGRADED → INACCESSIBLE transition of the 10-minute rule (issue 5) belongs here too:
 * it compares {@link KeyAccessSnapshot#since()} of a DEGRADED state with the injected clock, which is why the clock
 * is injected and every transition goes through {@link #transition}. Thread-safe: the state is one immutable
 * snapshot swapped atomically, so readers on any event loop never see a half-updated state.
 */
public final class KeyAccess {
  private static final System.Logger LOG = System.getLogger(KeyAccess.class.getName());

  private final KekRef kek;
  private final Clock clock;
  private final AtomicReference<KeyAccessSnapshot> state;

  KeyAccess(KekRef kek, Clock clock) {
    this.kek = kek;
    this.clock = clock;
    this.state = new AtomicReference<>(KeyAccessSnapshot.initial(kek, clock.instant()));
  }

  public KekRef kek() {
    return kek;
  }

  public KeyAccessSnapshot snapshot() {
    return state.get();
  }

  public KeyState state() {
    return state.get().state();
  }

  /** Records a successful vault operation on this KEK (wrap, unwrap, get). */
  public void recordSuccess(String operation) {
    transition(s -> s.succeeded(clock.instant()), operation);
  }

  /** Records a failed vault operation; the cause is classified from {@link KeyVaultException#errorClass()}. */
  public void recordFailure(String operation, Throwable failure) {
    VaultErrorClass cause = classify(failure);
    String detail = operation + ": " + describe(failure);
    transition(s -> s.failed(clock.instant(), cause, detail), operation);
  }

  /** Fails with KeyInaccessible when blocks under this KEK must not be served. */
  public void requireServing(String volumeName) {
    KeyAccessSnapshot s = state.get();
    if (s.state() == KeyState.INACCESSIBLE) {
      throw new GatewayException(ErrorCode.KeyInaccessible, "key " + kek.keyUrl() + " of volume " + volumeName
          + " is inaccessible since " + s.since() + ": " + s.causeText());
    }
  }

  private void transition(java.util.function.UnaryOperator<KeyAccessSnapshot> change, String operation) {
    KeyAccessSnapshot before;
    KeyAccessSnapshot after;
    do {
      before = state.get();
      after = change.apply(before);
    } while (!state.compareAndSet(before, after));
    if (before.state() != after.state()) {
      Level level = after.state() == KeyState.AVAILABLE ? Level.INFO : Level.WARNING;
      LOG.log(level, "KEK {0}: {1} -> {2} after {3}{4}", kek, before.state(), after.state(), operation,
          after.state() == KeyState.AVAILABLE ? "" : " (" + after.causeText() + ")");
    }
  }

  /** The vault-client classification, or UNAVAILABLE for failures that never reached a vault answer. */
  static VaultErrorClass classify(Throwable failure) {
    Throwable t = failure;
    while (t != null) {
      if (t instanceof KeyVaultException kve) {
        return kve.errorClass();
      }
      t = t.getCause();
    }
    return VaultErrorClass.UNAVAILABLE;
  }

  private static String describe(Throwable failure) {
    Throwable t = failure;
    while (t != null) {
      if (t instanceof KeyVaultException kve) {
        String code = kve.vaultInnerCode() != null ? kve.vaultInnerCode() : kve.vaultCode();
        return code != null ? code : "HTTP " + kve.httpStatus();
      }
      t = t.getCause();
    }
    return failure.getClass().getSimpleName();
  }

  @Override
  public String toString() {
    KeyAccessSnapshot s = state.get();
    return "KeyAccess[" + kek + " " + s.state() + " since " + s.since() + "]";
  }
}
