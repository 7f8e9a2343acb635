package io.strongroom.core.keys;

import io.strongroom.core.activity.ActivityEvent;
import io.strongroom.core.activity.ActivityType;
import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyProperties;
import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.VaultErrorClass;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Keeps every KEK in use under watch: a periodic <em>tick</em> moves DEGRADED KEKs past their deadline to
 * INACCESSIBLE on time (no traffic needed) and starts the probes that are due; a <em>probe</em> gets the key and
 * unwraps one of its wrapped DEKs, which is exactly what the gateway needs from the vault.
 *
 * <p>Probes run every {@code probeInterval} (±10% jitter, so many gateways do not probe in step). After a failed
 * probe the next comes after a sixth of the interval; only while the vault is struggling (unreachable, throttling)
 * does the wait double, up to four intervals (and never sooner than its Retry-After), so it is not hammered while a
 * short blip is still confirmed quickly; a refusal is asked again every sixth of the interval, which bounds recovery
 * once its cause is removed ({@link #retryDelayNanos}). The deadline check does not depend on probes: it runs on
 * every tick.
 *
 * <p>A successful probe of a KEK that is not AVAILABLE, or that has DEKs missing from memory, unwraps them all again
 * and only then marks the KEK AVAILABLE ({@link KeyAccess#revalidated}); that is also what the admin revalidation
 * does, at once.
 */
public final class KeyAccessMonitor {
    private static final System.Logger LOG = System.getLogger(KeyAccessMonitor.class.getName());
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(60);

    private final Vertx vertx;
    private final KeyVaults vaults;
    private final KeyAccessContext context;
    private final long intervalNanos;
    private final ConcurrentHashMap<KekRef, ProbeSchedule> schedules = new ConcurrentHashMap<>();
    private long timerId = -1;

    /** Per KEK: when the next probe is due, consecutive failures, whether one is running. */
    private static final class ProbeSchedule {
        long dueNanos;
        int failures;
        boolean running;
    }

    public KeyAccessMonitor(Vertx vertx, KeyVaults vaults, Duration probeInterval) {
        if (probeInterval.isZero() || probeInterval.isNegative()) {
            throw new IllegalArgumentException("the key probe interval must be positive, got " + probeInterval);
        }
        this.vertx = vertx;
        this.vaults = vaults;
        this.context = vaults.accessContext();
        this.intervalNanos = probeInterval.toNanos();
    }

    /** Starts the tick: every grace period / 20, between 50 ms and 1 s, so the deadline is met within that. */
    public KeyAccessMonitor start() {
        long tickMillis = Math.max(50, Math.min(1000, context.gracePeriod().toMillis() / 20));
        timerId = vertx.setPeriodic(tickMillis, id -> tick());
        return this;
    }

    public void stop() {
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
    }

    /**
     * One tick: deadlines first (they must not wait for a probe), then the probes that are due. KEKs no volume uses
     * any more (say, the old key after a rotation) are left alone: nothing to protect, nothing to alert about.
     */
    public void tick() {
        long now = System.nanoTime();
        Set<KekRef> inUse = new HashSet<>();
        context.allDeks().forEach(d -> inUse.add(d.kek()));
        for (KeyAccessSnapshot s : vaults.keyStates()) {
            if (!inUse.contains(s.kek())) {
                continue;
            }
            KeyAccess access = vaults.access(s.kek());
            access.checkDeadline();
            ProbeSchedule schedule = schedules.computeIfAbsent(s.kek(), k -> {
                ProbeSchedule fresh = new ProbeSchedule();
                fresh.dueNanos = now + jittered(intervalNanos);
                return fresh;
            });
            boolean due;
            synchronized (schedule) {
                due = !schedule.running && now - schedule.dueNanos >= 0;
            }
            if (due) {
                probe(s.kek());
            }
        }
    }

    /**
     * Probes the KEK now (get + unwrap of one DEK) and records the outcome; on success, unwraps any DEK missing from
     * memory and marks the KEK AVAILABLE. Completes with the resulting state (never fails). A KEK no volume uses is
     * left alone.
     */
    public Future<KeyAccessSnapshot> probe(KekRef kek) {
        KeyAccess access = vaults.access(kek);
        List<KeyAccessContext.DekInUse> deks = context.deksUnder(kek);
        if (deks.isEmpty()) {
            return Future.succeededFuture(access.snapshot());
        }
        ProbeSchedule schedule = schedules.computeIfAbsent(kek, k -> new ProbeSchedule());
        synchronized (schedule) {
            schedule.running = true;
        }
        KeyAccessContext.DekInUse sample = deks.get(0);
        KeyId kid = KeyId.parse(sample.wrapped().kekId());
        long started = System.nanoTime();
        Future<Void> check;
        try {
            KekProvider client = vaults.provider(kid, kek.identity());
            check = client.getKey(kid)
                    .compose(props -> {
                        checkUsable(props);
                        return client.unwrapKey(
                                kid,
                                sample.wrapped().algorithm(),
                                sample.wrapped().wrapped());
                    })
                    .map(keyBytes -> {
                        Arrays.fill(keyBytes, (byte) 0); // proof enough; the DEKs are adopted through DekWrapping below
                        return null;
                    });
        } catch (RuntimeException e) {
            check = Future.failedFuture(e);
        }
        return check.transform(ar -> {
            long latency = System.nanoTime() - started;
            ActivityEvent.Builder event = ActivityEvent.of(
                            ActivityType.PROBE, context.clock().instant())
                    .identity(kek.identity())
                    .kek(kid.toString())
                    .volumes(context.volumesUnder(kek))
                    .latencyNanos(latency);
            if (ar.failed()) {
                boolean unusable = ar.cause() instanceof UnusableKey;
                KeyAccessCause cause =
                        unusable ? ((UnusableKey) ar.cause()).accessCause : KeyAccessCause.of(ar.cause());
                context.activityLog()
                        .record(event.ok(false)
                                .cause(cause.jsonName())
                                .detail(unusable ? ar.cause().getMessage() : KeyAccess.describe(ar.cause()))
                                .build());
                recordProbeFailure(access, ar.cause());
                reschedule(kek, schedule, ar.cause());
                return Future.succeededFuture(access.snapshot());
            }
            context.activityLog().record(event.build());
            reschedule(kek, schedule, null);
            return restore(access, deks);
        });
    }

    /**
     * What an operator's revalidation does: a probe now, and on success every DEK of the KEK unwrapped again. Logged
     * as a revalidation event by {@code byWhom}.
     */
    public Future<KeyAccessSnapshot> revalidate(KekRef kek, String byWhom) {
        long started = System.nanoTime();
        return probe(kek)
                .onSuccess(s -> context.activityLog()
                        .record(ActivityEvent.of(
                                        ActivityType.REVALIDATION,
                                        context.clock().instant())
                                .ok(s.state() == KeyState.AVAILABLE)
                                .identity(kek.identity())
                                .kek(kek.keyUrl())
                                .volumes(context.volumesUnder(kek))
                                .cause(s.state() == KeyState.AVAILABLE ? null : s.causeName())
                                .detail("by " + byWhom + ": " + s.state())
                                .latencyNanos(System.nanoTime() - started)
                                .build()));
    }

    /** The key answered: unwrap what is missing, then AVAILABLE (or stay as recorded if an unwrap fails). */
    private Future<KeyAccessSnapshot> restore(KeyAccess access, List<KeyAccessContext.DekInUse> deks) {
        List<Future<?>> unwraps = new ArrayList<>();
        for (KeyAccessContext.DekInUse d : deks) {
            if (!context.dekCache().contains(d.wrapped().dekId())) {
                unwraps.add(vaults.wrapping().unwrap(d.wrapped(), d.kek().identity(), d.invocationsSoFar()));
            }
        }
        return Future.join(unwraps).transform(ar -> {
            if (ar.succeeded()) {
                if (access.state() == KeyState.AVAILABLE) {
                    access.recordSuccess("probe");
                } else {
                    access.revalidated("revalidation");
                }
            } else {
                LOG.log(
                        Level.WARNING,
                        "KEK {0} answered the probe but not every DEK unwrapped: {1}",
                        access.kek(),
                        String.valueOf(ar.cause()));
            }
            return Future.succeededFuture(access.snapshot());
        });
    }

    private void recordProbeFailure(KeyAccess access, Throwable failure) {
        if (failure instanceof UnusableKey u) {
            access.recordFailure("probe", VaultErrorClass.KEY_DISABLED, u.accessCause, u.getMessage());
        } else {
            access.recordFailure("probe", failure);
        }
    }

    /**
     * A key the vault still returns but the gateway must treat as lost: disabled, expired or not yet active by the
     * gateway's clock. Azure and local-vault still unwrap with an expired key; the rule does not.
     */
    private void checkUsable(KeyProperties props) {
        Instant now = context.clock().instant();
        if (!props.enabled()) {
            throw new UnusableKey(KeyAccessCause.KEY_DISABLED, "key disabled");
        }
        if (props.expires() != null && !now.isBefore(props.expires())) {
            throw new UnusableKey(KeyAccessCause.KEY_EXPIRED, "key expired at " + props.expires());
        }
        if (props.notBefore() != null && now.isBefore(props.notBefore())) {
            throw new UnusableKey(KeyAccessCause.KEY_NOT_YET_ACTIVE, "key not active before " + props.notBefore());
        }
    }

    private void reschedule(KekRef kek, ProbeSchedule schedule, Throwable failureOrNull) {
        long now = System.nanoTime();
        synchronized (schedule) {
            schedule.running = false;
            if (failureOrNull == null) {
                schedule.failures = 0;
                schedule.dueNanos = now + jittered(intervalNanos);
                return;
            }
            schedule.failures++;
            schedule.dueNanos = now + jittered(retryDelayNanos(intervalNanos, schedule.failures, failureOrNull));
        }
    }

    /**
     * How long after its {@code failures}-th failure in a row a KEK is probed again. Only a vault that is struggling
     * (unreachable, silent, throttling) is backed off: interval/6, doubling, at most four intervals, never sooner than
     * its Retry-After. A vault that answers but refuses (identity rejected, permission revoked, key disabled or
     * deleted, firewall) is asked again every interval/6, so access comes back within that of the cause being
     * removed, however long it lasted (the doubling made a restored identity wait up to four intervals).
     */
    static long retryDelayNanos(long intervalNanos, int failures, Throwable failure) {
        long first = intervalNanos / 6;
        KeyAccessCause cause = failure instanceof UnusableKey u ? u.accessCause : KeyAccessCause.of(failure);
        if (cause != KeyAccessCause.VAULT_UNREACHABLE && cause != KeyAccessCause.THROTTLED) {
            return first;
        }
        long backoff = Math.min(4 * intervalNanos, first << Math.min(failures - 1, 20));
        if (failure instanceof KeyVaultException kve && kve.retryAfter() != null) {
            backoff = Math.max(backoff, kve.retryAfter().toNanos());
        }
        return backoff;
    }

    private static long jittered(long nanos) {
        return (long) (nanos * (0.9 + 0.2 * ThreadLocalRandom.current().nextDouble()));
    }

    /** The probe's own verdict on a key the vault returned. */
    private static final class UnusableKey extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient KeyAccessCause accessCause;

        UnusableKey(KeyAccessCause accessCause, String message) {
            super(message, null, false, false);
            this.accessCause = accessCause;
        }
    }
}
