package io.strongroom.core.keys;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.crypto.Dek;
import io.strongroom.crypto.WrappedDek;
import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.VaultErrorClass;
import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyAccessTest {
    static final Instant T0 = Instant.parse("2026-11-28T06:00:00Z");
    final KekRef kek = new KekRef("https://Vault.example:443/", "k1", "default");

    @Test
    void kekRefNormalizesTheVaultUrl() {
        assertEquals("https://vault.example/keys/k1", kek.keyUrl());
        assertEquals(kek, new KekRef("https://vault.example", "k1", "default"));
    }

    @Test
    void failureDegradesAndSuccessRecovers() {
        Clock[] clock = {Clock.fixed(T0, ZoneOffset.UTC)};
        KeyAccess access =
                new KeyAccess(kek, new KeyAccessContext(new TestClock(() -> clock[0].instant()), new DekCache()));
        KeyAccessSnapshot initial = access.snapshot();
        assertEquals(KeyState.AVAILABLE, initial.state());
        assertNull(initial.cause());

        clock[0] = Clock.fixed(T0.plusSeconds(10), ZoneOffset.UTC);
        access.recordFailure(
                "unwrap",
                new KeyVaultException(
                        VaultErrorClass.FORBIDDEN,
                        403,
                        "Forbidden",
                        null,
                        "no unwrapKey permission",
                        "https://vault.example",
                        null,
                        null));
        KeyAccessSnapshot degraded = access.snapshot();
        assertEquals(KeyState.DEGRADED, degraded.state());
        assertEquals(T0.plusSeconds(10), degraded.since());
        assertEquals(VaultErrorClass.FORBIDDEN, degraded.cause());
        assertEquals("FORBIDDEN (unwrap: Forbidden)", degraded.causeText());
        KeyStateReport degradedReport = KeyStateReport.of(degraded, List.of("v"));
        assertEquals("permissionRevoked", degradedReport.cause());
        assertEquals("FORBIDDEN (unwrap: Forbidden)", degradedReport.causeDetail());

        // A second failure keeps the original since: the grace period runs from the first failure.
        clock[0] = Clock.fixed(T0.plusSeconds(20), ZoneOffset.UTC);
        access.recordFailure("unwrap", new RuntimeException("connection refused"));
        assertEquals(T0.plusSeconds(10), access.snapshot().since());
        assertEquals(VaultErrorClass.UNAVAILABLE, access.snapshot().cause());
        assertEquals(T0.plusSeconds(20), access.snapshot().lastFailure());

        clock[0] = Clock.fixed(T0.plusSeconds(30), ZoneOffset.UTC);
        access.recordSuccess("unwrap");
        KeyAccessSnapshot back = access.snapshot();
        assertEquals(KeyState.AVAILABLE, back.state());
        assertEquals(T0.plusSeconds(30), back.since());
        assertEquals(T0.plusSeconds(30), back.lastSuccess());
        KeyStateReport backReport = KeyStateReport.of(back, List.of("v"));
        assertNull(backReport.cause(), "no stale cause on an AVAILABLE key");
        assertNull(backReport.causeDetail());

        // Successes while AVAILABLE do not move since.
        clock[0] = Clock.fixed(T0.plusSeconds(40), ZoneOffset.UTC);
        access.recordSuccess("wrap");
        assertEquals(T0.plusSeconds(30), access.snapshot().since());
        assertDoesNotThrow(() -> access.requireServing("v"));
    }

    @Test
    void classificationLooksThroughWrappers() {
        KeyVaultException disabled = new KeyVaultException(VaultErrorClass.KEY_DISABLED, "disabled", "e", null);
        assertEquals(VaultErrorClass.KEY_DISABLED, KeyAccess.classify(new RuntimeException("wrapped", disabled)));
        assertEquals(VaultErrorClass.UNAVAILABLE, KeyAccess.classify(new IllegalStateException("other")));
    }

    @Test
    void graceRunsFromTheFirstFailureAndInaccessibleNeedsARevalidation() {
        Instant[] now = {T0};
        DekCache cache = new DekCache();
        KeyAccessContext context = new KeyAccessContext(new TestClock(() -> now[0]), cache);
        Dek dek = cache.put(Dek.generate());
        context.setDekDirectory(() -> List.of(new KeyAccessContext.DekInUse(
                "v", kek, new WrappedDek(dek.id(), kek.keyUrl() + "/1", "RSA-OAEP-256", new byte[8], T0), 0)));
        List<String> seen = new ArrayList<>();
        context.addListener((before, after, volumes) -> seen.add(after.state() + " " + volumes));
        KeyAccess access = new KeyAccess(kek, context);
        KeyVaultException disabled = new KeyVaultException(
                VaultErrorClass.KEY_DISABLED,
                403,
                "Forbidden",
                "KeyExpired",
                "expired",
                "https://vault.example",
                null,
                null);

        access.recordFailure("probe", disabled);
        assertEquals(KeyAccessCause.KEY_EXPIRED, access.snapshot().accessCause());
        assertEquals(T0.plus(KeyAccessContext.DEFAULT_GRACE_PERIOD), access.deadline());
        now[0] = T0.plusSeconds(599);
        assertEquals(false, access.checkDeadline());
        assertDoesNotThrow(() -> access.requireServing("v"));
        now[0] = T0.plusSeconds(600);
        StrongroomException e = assertThrows(StrongroomException.class, () -> access.requireServing("v"));
        assertEquals(ErrorCode.KeyInaccessible, e.code());
        assertTrue(
                e.getMessage().contains("keyExpired")
                        && e.getMessage().contains(T0.plusSeconds(600).toString()),
                e.getMessage());
        assertTrue(dek.isDestroyed(), "the DEK is destroyed when the KEK becomes inaccessible");
        assertNull(cache.get(dek.id()));

        access.recordSuccess("wrap");
        assertEquals(KeyState.INACCESSIBLE, access.state(), "a stray success does not bring the volumes back");
        access.revalidated("probe");
        assertEquals(KeyState.AVAILABLE, access.state());
        assertEquals(List.of("DEGRADED [v]", "INACCESSIBLE [v]", "AVAILABLE [v]"), seen);
        assertEquals(
                List.of("stateChange", "stateChange", "stateChange"),
                context.activityLog().recent(null, kek.keyUrl(), 10).stream()
                        .map(a -> a.type().jsonName())
                        .toList());
    }

    @Test
    void theGracePeriodCannotBeTurnedOff() {
        KeyAccessContext context = new KeyAccessContext(Clock.systemUTC(), new DekCache());
        assertThrows(IllegalArgumentException.class, () -> context.setGracePeriod(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> context.setGracePeriod(Duration.ofSeconds(-1)));
    }

    @Test
    void causesAreClassifiedFromVaultErrors() {
        assertEquals(KeyAccessCause.KEY_DELETED, KeyAccessCause.of(VaultErrorClass.KEY_NOT_FOUND, "KeyNotFound", null));
        assertEquals(
                KeyAccessCause.KEY_DISABLED,
                KeyAccessCause.of(VaultErrorClass.KEY_DISABLED, "Forbidden", "KeyDisabled"));
        assertEquals(
                KeyAccessCause.KEY_NOT_YET_ACTIVE,
                KeyAccessCause.of(VaultErrorClass.KEY_DISABLED, "Forbidden", "KeyNotYetValid"));
        assertEquals(
                KeyAccessCause.PERMISSION_REVOKED, KeyAccessCause.of(VaultErrorClass.FORBIDDEN, "Forbidden", null));
        assertEquals(KeyAccessCause.IDENTITY_REJECTED, KeyAccessCause.of(VaultErrorClass.UNAUTHORIZED, null, null));
        assertEquals(KeyAccessCause.FIREWALL, KeyAccessCause.of(VaultErrorClass.FIREWALL, "Forbidden", null));
        assertEquals(KeyAccessCause.THROTTLED, KeyAccessCause.of(VaultErrorClass.THROTTLED, null, null));
        assertEquals(KeyAccessCause.VAULT_UNREACHABLE, KeyAccessCause.of(new ConnectException("refused")));
        assertEquals("permissionRevoked", KeyAccessCause.PERMISSION_REVOKED.jsonName());
    }

    /** A clock reading its instant from a supplier, so a test can move time. */
    static final class TestClock extends Clock {
        private final java.util.function.Supplier<Instant> now;

        TestClock(java.util.function.Supplier<Instant> now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
