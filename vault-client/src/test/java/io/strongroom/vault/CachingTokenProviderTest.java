package io.strongroom.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Caching rules with a controllable upstream (the HTTP side is covered against real servers). */
class CachingTokenProviderTest {
    private Instant now = Instant.parse("2026-11-28T06:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    /** Upstream whose fetches complete when the test says so. */
    private final class ManualUpstream implements TokenProvider {
        final List<Promise<AccessToken>> pending = new ArrayList<>();
        final AtomicInteger fetches = new AtomicInteger();

        @Override
        public Future<AccessToken> token(String resource) {
            fetches.incrementAndGet();
            Promise<AccessToken> p = Promise.promise();
            pending.add(p);
            return p.future();
        }

        void completeLast(String token, Duration lifetime) {
            pending.get(pending.size() - 1).complete(new AccessToken(token, now.plus(lifetime)));
        }
    }

    @Test
    void concurrentCallersShareOneFetch() {
        ManualUpstream up = new ManualUpstream();
        CachingTokenProvider cache = new CachingTokenProvider(up, clock);
        List<Future<AccessToken>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(cache.token("https://vault.azure.net"));
        }
        assertEquals(1, up.fetches.get());
        up.completeLast("t1", Duration.ofHours(1));
        for (Future<AccessToken> f : calls) {
            assertEquals("t1", f.result().token());
        }
        assertEquals("t1", cache.token("https://vault.azure.net").result().token());
        assertEquals(1, up.fetches.get());
    }

    @Test
    void refreshesInBackgroundInsideTheMarginAndWaitsWhenExpired() {
        ManualUpstream up = new ManualUpstream();
        CachingTokenProvider cache = new CachingTokenProvider(up, clock);
        cache.token("r");
        up.completeLast("t1", Duration.ofHours(1));
        now = now.plus(Duration.ofMinutes(54));
        assertEquals("t1", cache.token("r").result().token());
        assertEquals(1, up.fetches.get(), "outside the 5-minute margin: no refresh");
        now = now.plus(Duration.ofMinutes(2));
        assertEquals("t1", cache.token("r").result().token(), "inside the margin the cached token is still served");
        assertEquals("t1", cache.token("r").result().token());
        assertEquals(2, up.fetches.get(), "exactly one background refresh");
        up.completeLast("t2", Duration.ofHours(1));
        assertEquals("t2", cache.token("r").result().token());
        now = now.plus(Duration.ofHours(2));
        Future<AccessToken> waiting = cache.token("r");
        assertTrue(!waiting.isComplete(), "an expired token is never handed out");
        up.completeLast("t3", Duration.ofHours(1));
        assertEquals("t3", waiting.result().token());
    }

    @Test
    void shortLivedTokensUseTenPercentMargin() {
        Instant fetched = Instant.parse("2026-11-28T06:00:00Z");
        assertEquals(fetched.plusSeconds(54), CachingTokenProvider.refreshAt(fetched, fetched.plusSeconds(60)));
        assertEquals(
                fetched.plus(Duration.ofMinutes(55)),
                CachingTokenProvider.refreshAt(fetched, fetched.plus(Duration.ofHours(1))));
    }

    @Test
    void invalidateDropsOnlyTheRejectedToken() {
        ManualUpstream up = new ManualUpstream();
        CachingTokenProvider cache = new CachingTokenProvider(up, clock);
        cache.token("r");
        up.completeLast("t1", Duration.ofHours(1));
        AccessToken t1 = cache.token("r").result();
        cache.invalidate("r", new AccessToken("other", t1.expiresOn()));
        assertSame(t1, cache.token("r").result());
        cache.invalidate("r", t1);
        cache.invalidate("r", t1);
        Future<AccessToken> f1 = cache.token("r");
        Future<AccessToken> f2 = cache.token("r");
        assertEquals(2, up.fetches.get());
        up.completeLast("t2", Duration.ofHours(1));
        assertEquals("t2", f1.result().token());
        assertEquals("t2", f2.result().token());
    }

    @Test
    void failedFetchIsNotCached() {
        ManualUpstream up = new ManualUpstream();
        CachingTokenProvider cache = new CachingTokenProvider(up, clock);
        Future<AccessToken> first = cache.token("r");
        up.pending.get(0).fail(new KeyVaultException(VaultErrorClass.UNAVAILABLE, "down", "http://imds", null));
        assertTrue(first.failed());
        Future<AccessToken> second = cache.token("r");
        assertEquals(2, up.fetches.get());
        up.completeLast("t1", Duration.ofHours(1));
        assertEquals("t1", second.result().token());
    }
}
