package io.strongroom.core.keys;

import io.strongroom.core.activity.ActivityLog;
import io.strongroom.crypto.DekId;
import io.strongroom.crypto.WrappedDek;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * What every {@link KeyAccess} of one {@link KeyVaults} shares: the clock, the grace period of the 10-minute rule,
 * the activity log, the transition listeners and the directory of DEKs in use (filled by the volume service), from
 * which a KEK that becomes inaccessible finds the DEKs to destroy and a revalidation the DEKs to unwrap again.
 */
public final class KeyAccessContext {
    public static final Duration DEFAULT_GRACE_PERIOD = Duration.ofMinutes(10);

    /** One wrapped DEK a volume uses, under which KEK, with its persisted seal count (for adopting it again). */
    public record DekInUse(String volume, KekRef kek, WrappedDek wrapped, long invocationsSoFar) {}

    private final Clock clock;
    private final DekCache dekCache;
    private final List<KeyAccessListener> listeners = new CopyOnWriteArrayList<>();
    private volatile Duration gracePeriod = DEFAULT_GRACE_PERIOD;
    private volatile ActivityLog activityLog = ActivityLog.inMemory();
    private volatile Supplier<List<DekInUse>> deks = List::of;

    KeyAccessContext(Clock clock, DekCache dekCache) {
        this.clock = clock;
        this.dekCache = dekCache;
    }

    public Clock clock() {
        return clock;
    }

    public Duration gracePeriod() {
        return gracePeriod;
    }

    /** The grace period; never off: zero or negative is refused. */
    public KeyAccessContext setGracePeriod(Duration gracePeriod) {
        Objects.requireNonNull(gracePeriod, "gracePeriod");
        if (gracePeriod.isZero() || gracePeriod.isNegative()) {
            throw new IllegalArgumentException("the key-access grace period must be positive, got " + gracePeriod);
        }
        this.gracePeriod = gracePeriod;
        return this;
    }

    public ActivityLog activityLog() {
        return activityLog;
    }

    public KeyAccessContext setActivityLog(ActivityLog log) {
        this.activityLog = Objects.requireNonNull(log, "log");
        return this;
    }

    public KeyAccessContext addListener(KeyAccessListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /** Where the DEKs in use come from (the volume service registers itself when it opens). */
    public KeyAccessContext setDekDirectory(Supplier<List<DekInUse>> directory) {
        this.deks = Objects.requireNonNull(directory, "directory");
        return this;
    }

    public List<DekInUse> deksUnder(KekRef kek) {
        List<DekInUse> under = new ArrayList<>();
        for (DekInUse d : deks.get()) {
            if (d.kek().equals(kek)) {
                under.add(d);
            }
        }
        return under;
    }

    public List<DekInUse> allDeks() {
        return deks.get();
    }

    /** Names of the volumes under {@code kek}, sorted, each once. */
    public List<String> volumesUnder(KekRef kek) {
        return deksUnder(kek).stream().map(DekInUse::volume).distinct().sorted().toList();
    }

    List<String> volumesWith(DekId dek) {
        return deks.get().stream()
                .filter(d -> d.wrapped().dekId().equals(dek))
                .map(DekInUse::volume)
                .distinct()
                .sorted()
                .toList();
    }

    DekCache dekCache() {
        return dekCache;
    }

    List<KeyAccessListener> listeners() {
        return listeners;
    }
}
