package io.strongroom.vault;

import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Caches tokens per resource until shortly before expiry and refreshes each one once for all
 * concurrent callers (single flight). Inside the refresh window (the last 10% of the lifetime, at
 * most 5 minutes) callers keep getting the cached token while one background refresh runs, so a
 * refresh never adds latency to calls; only an expired or invalidated token makes callers wait.
 */
public final class CachingTokenProvider implements TokenProvider {
    public static final Duration MAX_REFRESH_MARGIN = Duration.ofMinutes(5);
    /** Tokens this close to expiry are not handed out (clock skew, time in flight). */
    public static final Duration EXPIRY_SAFETY = Duration.ofSeconds(5);

    private record Entry(AccessToken token, Instant refreshAt) {}

    private final TokenProvider delegate;
    private final Clock clock;
    private final Map<String, Entry> cache = new HashMap<>();
    private final Map<String, Future<AccessToken>> inFlight = new HashMap<>();

    public CachingTokenProvider(TokenProvider delegate) {
        this(delegate, Clock.systemUTC());
    }

    public CachingTokenProvider(TokenProvider delegate, Clock clock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Future<AccessToken> token(String resource) {
        synchronized (this) {
            Instant now = clock.instant();
            Entry entry = cache.get(resource);
            if (entry != null && now.isBefore(entry.token().expiresOn().minus(EXPIRY_SAFETY))) {
                if (!now.isBefore(entry.refreshAt()) && !inFlight.containsKey(resource)) {
                    refresh(resource, now);
                }
                return Future.succeededFuture(entry.token());
            }
            Future<AccessToken> pending = inFlight.get(resource);
            return pending != null ? pending : refresh(resource, now);
        }
    }

    @Override
    public synchronized void invalidate(String resource, AccessToken rejected) {
        Entry entry = cache.get(resource);
        if (entry != null && entry.token().equals(rejected)) {
            cache.remove(resource);
        }
    }

    /** Closes the wrapped provider. */
    @Override
    public Future<Void> close() {
        return delegate.close();
    }

    /** Called with the lock held. */
    private Future<AccessToken> refresh(String resource, Instant fetchedAt) {
        Future<AccessToken> fetch;
        try {
            fetch = delegate.token(resource);
        } catch (RuntimeException e) {
            fetch = Future.failedFuture(e);
        }
        inFlight.put(resource, fetch);
        Future<AccessToken> registered = fetch;
        fetch.onComplete(ar -> {
            synchronized (this) {
                inFlight.remove(resource, registered);
                if (ar.succeeded()) {
                    cache.put(
                            resource,
                            new Entry(
                                    ar.result(),
                                    refreshAt(fetchedAt, ar.result().expiresOn())));
                }
            }
        });
        return fetch;
    }

    static Instant refreshAt(Instant fetchedAt, Instant expiresOn) {
        Duration lifetime = Duration.between(fetchedAt, expiresOn);
        if (lifetime.isNegative()) {
            return fetchedAt;
        }
        Duration margin = lifetime.dividedBy(10);
        if (margin.compareTo(MAX_REFRESH_MARGIN) > 0) {
            margin = MAX_REFRESH_MARGIN;
        }
        return expiresOn.minus(margin);
    }

    @Override
    public String toString() {
        return "CachingTokenProvider[" + delegate + "]";
    }
}
