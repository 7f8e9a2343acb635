package io.strongroom.core.keys;

import io.strongroom.core.activity.ActivityEvent;
import io.strongroom.core.activity.ActivityType;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.crypto.DekId;
import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.VaultErrorClass;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Access state of one KEK, fed by the outcome of every vault call made for it (the state machine of
 * docs/KEY-ACCESS.md):
 * <ul>
 *   <li>AVAILABLE → DEGRADED on a failed wrap, unwrap or probe; blocks are still served from cached DEKs and the
 *       grace period runs from that first failure.</li>
 *   <li>DEGRADED → AVAILABLE on any success before the deadline (the clock starts afresh on the next failure).</li>
 *   <li>DEGRADED → INACCESSIBLE once the grace period is over without a single success, checked by
 *       {@link #checkDeadline()} (the monitor's tick, so it happens on time without traffic) and by every data
 *       request ({@link #requireServing}). The KEK's cached DEKs are destroyed at that moment.</li>
 *   <li>INACCESSIBLE → AVAILABLE only through {@link #revalidated}, after a probe or an admin call has unwrapped
 *       the DEKs again; a stray success (say, a wrap for a new volume) does not bring old volumes back.</li>
 * </ul>
 * Thread-safe: the state is one immutable snapshot swapped atomically; side effects of a transition (DEK
 * destruction, activity log, listeners) run once, on the thread whose compare-and-set made it.
 */
public final class KeyAccess {
    private static final System.Logger LOG = System.getLogger(KeyAccess.class.getName());

    private final KekRef kek;
    private final KeyAccessContext context;
    private final Clock clock;
    private final AtomicReference<KeyAccessSnapshot> state;

    KeyAccess(KekRef kek, KeyAccessContext context) {
        this.kek = kek;
        this.context = context;
        this.clock = context.clock();
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

    /** When a DEGRADED KEK becomes INACCESSIBLE without a success; null in the other states. */
    public Instant deadline() {
        KeyAccessSnapshot s = state.get();
        return s.state() == KeyState.DEGRADED ? s.since().plus(context.gracePeriod()) : null;
    }

    /** Records a successful vault operation on this KEK (wrap, unwrap, get, probe). */
    public void recordSuccess(String operation) {
        transition(s -> s.succeeded(clock.instant()), operation);
    }

    /**
     * Records a failed vault operation; the cause is classified from the vault-client's exception. The failure counts
     * from when the call's first attempt was sent (vault-client marks it), not from when its retries gave up: the
     * grace period runs from the first failed attempt.
     */
    public void recordFailure(String operation, Throwable failure) {
        Instant now = clock.instant();
        transition(
                s -> s.failed(
                        now,
                        firstFailedAttempt(failure, now),
                        classify(failure),
                        KeyAccessCause.of(failure),
                        operation + ": " + describe(failure)),
                operation);
    }

    /** Records a failure found by the gateway itself (e.g. a probe seeing an expired key the vault still serves). */
    public void recordFailure(String operation, VaultErrorClass vaultClass, KeyAccessCause cause, String detail) {
        Instant now = clock.instant();
        transition(s -> s.failed(now, now, vaultClass, cause, operation + ": " + detail), operation);
    }

    /** When the failed call's first attempt was sent, on this KEK's clock; {@code now} when not known. */
    static Instant firstFailedAttempt(Throwable failure, Instant now) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof KeyVaultException kve && kve.firstAttemptNanos().isPresent()) {
                long ago = System.nanoTime() - kve.firstAttemptNanos().getAsLong();
                return ago > 0 ? now.minusNanos(ago) : now;
            }
        }
        return now;
    }

    /**
     * Records one wrap or unwrap with its activity event: {@code kid} is the key id used (versioned when known),
     * {@code failureOrNull} null for a success.
     */
    public void recordUse(ActivityType type, String kid, DekId dekOrNull, long latencyNanos, Throwable failureOrNull) {
        String operation = type.jsonName();
        ActivityEvent.Builder event = ActivityEvent.of(type, clock.instant())
                .identity(kek.identity())
                .kek(kid == null ? kek.keyUrl() : kid)
                .latencyNanos(latencyNanos)
                .volumes(dekOrNull == null ? context.volumesUnder(kek) : context.volumesWith(dekOrNull));
        if (failureOrNull == null) {
            context.activityLog()
                    .record(event.detail(dekOrNull == null ? null : "dek " + dekOrNull)
                            .build());
            recordSuccess(operation);
        } else {
            KeyAccessCause cause = KeyAccessCause.of(failureOrNull);
            context.activityLog()
                    .record(event.ok(false)
                            .cause(cause.jsonName())
                            .detail(describe(failureOrNull))
                            .build());
            recordFailure(operation, failureOrNull);
        }
    }

    /**
     * A revalidation succeeded (the key answered and every DEK under it is unwrapped): AVAILABLE from any state.
     * {@code how} says who asked (probe, admin).
     */
    public void revalidated(String how) {
        transition(s -> s.available(clock.instant()), how);
    }

    /** Moves a DEGRADED KEK whose grace period is over to INACCESSIBLE; true if it is INACCESSIBLE afterwards. */
    public boolean checkDeadline() {
        KeyAccessSnapshot s = state.get();
        if (s.state() == KeyState.DEGRADED) {
            Instant now = clock.instant();
            if (!now.isBefore(s.since().plus(context.gracePeriod()))) {
                transition(
                        before -> before.state() == KeyState.DEGRADED
                                        && !now.isBefore(before.since().plus(context.gracePeriod()))
                                ? before.inaccessible(now)
                                : before,
                        "grace period over");
            }
        }
        return state.get().state() == KeyState.INACCESSIBLE;
    }

    /** Fails with KeyInaccessible when blocks under this KEK must not be served (checking the deadline first). */
    public void requireServing(String volumeName) {
        if (state.get().state() == KeyState.AVAILABLE || !checkDeadline()) {
            return;
        }
        KeyAccessSnapshot s = state.get();
        throw new StrongroomException(
                ErrorCode.KeyInaccessible,
                "key " + kek.keyUrl() + " of volume " + volumeName
                        + " is inaccessible since " + s.since() + " (cause " + s.causeName() + ": " + s.causeDetail()
                        + "); the data is unreadable until the key is restored and revalidated");
    }

    private void transition(UnaryOperator<KeyAccessSnapshot> change, String operation) {
        KeyAccessSnapshot before;
        KeyAccessSnapshot after;
        do {
            before = state.get();
            after = change.apply(before);
        } while (!state.compareAndSet(before, after));
        if (before.state() != after.state()) {
            onTransition(before, after, operation);
        }
    }

    private void onTransition(KeyAccessSnapshot before, KeyAccessSnapshot after, String operation) {
        List<String> volumes = context.volumesUnder(kek);
        if (after.state() == KeyState.INACCESSIBLE) {
            // The rule's point: after the grace period no plaintext key stays in memory.
            context.deksUnder(kek)
                    .forEach(d -> context.dekCache().destroy(d.wrapped().dekId()));
        }
        Level level = after.state() == KeyState.AVAILABLE ? Level.INFO : Level.WARNING;
        LOG.log(
                level,
                "KEK {0}: {1} -> {2} after {3}{4}",
                kek,
                before.state(),
                after.state(),
                operation,
                after.state() == KeyState.AVAILABLE ? "" : " (" + after.causeName() + ": " + after.causeDetail() + ")");
        context.activityLog()
                .record(ActivityEvent.of(ActivityType.STATE_CHANGE, after.since())
                        .identity(kek.identity())
                        .kek(kek.keyUrl())
                        .volumes(volumes)
                        .cause(after.state() == KeyState.AVAILABLE ? null : after.causeName())
                        .detail(before.state() + " -> " + after.state() + " after " + operation)
                        .build());
        for (KeyAccessListener listener : context.listeners()) {
            try {
                listener.onTransition(before, after, volumes);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "key-access listener failed on " + kek, e);
            }
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

    /**
     * The failure for operators: the vault's code, else the HTTP status, else (no HTTP answer at all) what the last
     * attempt ran into, e.g. {@code connection refused} or {@code no answer within 3000 ms}.
     */
    static String describe(Throwable failure) {
        KeyVaultException outer = null;
        KeyVaultException innermost = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof KeyVaultException kve) {
                outer = outer == null ? kve : outer;
                innermost = kve;
            }
        }
        if (outer == null) {
            return failure.getClass().getSimpleName();
        }
        String code = outer.vaultInnerCode() != null ? outer.vaultInnerCode() : outer.vaultCode();
        if (code != null) {
            return code;
        }
        if (outer.httpStatus() != 0) {
            return "HTTP " + outer.httpStatus();
        }
        return innermost.vaultMessage() != null
                ? innermost.vaultMessage()
                : innermost.errorClass().name();
    }

    @Override
    public String toString() {
        KeyAccessSnapshot s = state.get();
        return "KeyAccess[" + kek + " " + s.state() + " since " + s.since() + "]";
    }
}
