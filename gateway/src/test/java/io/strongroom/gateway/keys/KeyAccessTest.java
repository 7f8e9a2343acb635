package io.strongroom.gateway.keys;

import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.VaultErrorClass;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    KeyAccess access = new KeyAccess(kek, new TestClock(() -> clock[0].instant()));
    KeyAccessSnapshot initial = access.snapshot();
    assertEquals(KeyState.AVAILABLE, initial.state());
    assertNull(initial.cause());

    clock[0] = Clock.fixed(T0.plusSeconds(10), ZoneOffset.UTC);
    access.recordFailure("unwrap", new KeyVaultException(VaultErrorClass.FORBIDDEN, 403, "Forbidden", null,
        "no unwrapKey permission", "https://vault.example", null, null));
    KeyAccessSnapshot degraded = access.snapshot();
    assertEquals(KeyState.DEGRADED, degraded.state());
    assertEquals(T0.plusSeconds(10), degraded.since());
    assertEquals(VaultErrorClass.FORBIDDEN, degraded.cause());
    assertEquals("FORBIDDEN (unwrap: Forbidden)", degraded.causeText());

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
  void inaccessibleStaysInaccessibleOnFailure() {
    KeyAccess access = new KeyAccess(kek, Clock.fixed(T0, ZoneOffset.UTC));
    KeyAccessSnapshot inaccessible = new KeyAccessSnapshot(kek, KeyState.INACCESSIBLE, T0,
        VaultErrorClass.KEY_NOT_FOUND,
        "unwrap: KeyNotFound", null, T0);
    assertEquals(KeyState.INACCESSIBLE, inaccessible.failed(T0.plus(Duration.ofMinutes(1)),
        VaultErrorClass.KEY_NOT_FOUND, "x").state(), "further failures keep INACCESSIBLE");
    access.recordFailure("unwrap", new RuntimeException());
    assertDoesNotThrow(() -> access.requireServing("v"), "DEGRADED still serves");
    assertTrue(access.toString().contains("DEGRADED"));
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
