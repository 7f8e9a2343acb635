package io.strongroom.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.volume.DefaultVolumeService;
import io.strongroom.core.volume.VolumeInfo;
import io.strongroom.core.volume.VolumeServiceOptions;
import io.strongroom.core.volume.VolumeSpec;
import io.strongroom.crypto.BlockSealer;
import io.strongroom.crypto.Dek;
import io.strongroom.crypto.DekId;
import io.strongroom.store.local.LocalFileBlockStoreOptions;
import io.strongroom.store.local.LocalFileStorageBackend;
import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyVaultClientOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The 10-minute rule against real local-vault faults, with a controllable clock: for each cause, blocks are served
 * until the deadline; after it every data operation of the volumes under the KEK fails KeyInaccessible while a
 * volume under another vault's key keeps working; the DEK objects are destroyed; after the cause is removed and the
 * KEK revalidated every block written before reads back unchanged.
 */
class KeyAccessRuleTest {
    static final int BS = 4096;
    static final Duration GRACE = Duration.ofMinutes(10);

    /** A way to lose key access, applied to the customer key (named {@code key}) in vault A, and its undoing. */
    enum Fault {
        KEY_DELETED(KeyAccessCause.KEY_DELETED) {
            void apply(KeyAccessRuleTest t, String key) {
                t.vaultA.delete(key);
            }

            void remove(KeyAccessRuleTest t, String key) {
                t.vaultA.recover(key);
            }
        },
        KEY_DISABLED(KeyAccessCause.KEY_DISABLED) {
            void apply(KeyAccessRuleTest t, String key) {
                t.vaultA.updateAttributes(key, new JsonObject().put("enabled", false));
            }

            void remove(KeyAccessRuleTest t, String key) {
                t.vaultA.updateAttributes(key, new JsonObject().put("enabled", true));
            }
        },
        KEY_EXPIRED(KeyAccessCause.KEY_EXPIRED) {
            void apply(KeyAccessRuleTest t, String key) {
                t.vaultA.updateAttributes(
                        key, new JsonObject().put("exp", Instant.now().getEpochSecond() - 60));
            }

            void remove(KeyAccessRuleTest t, String key) {
                t.vaultA.updateAttributes(key, new JsonObject().putNull("exp"));
            }
        },
        UNWRAP_PERMISSION_REVOKED(KeyAccessCause.PERMISSION_REVOKED) {
            void apply(KeyAccessRuleTest t, String key) {
                t.vaultA.restart(KeyAccessVaults.Setup.NO_UNWRAP_PERMISSION);
            }
        },
        TOKEN_REJECTED(KeyAccessCause.IDENTITY_REJECTED) {
            void apply(KeyAccessRuleTest t, String key) {
                t.vaultA.restart(KeyAccessVaults.Setup.TOKEN_UNKNOWN);
            }
        },
        FIREWALL(KeyAccessCause.FIREWALL) {
            void apply(KeyAccessRuleTest t, String key) {
                t.vaultA.restart(KeyAccessVaults.Setup.FIREWALLED);
            }
        },
        VAULT_BLACKHOLED(KeyAccessCause.VAULT_UNREACHABLE) {
            void apply(KeyAccessRuleTest t, String key) {
                t.vaultA.faults(new JsonObject().put("blackholeRate", 1.0));
            }
        },
        THROTTLED_WITHOUT_END(KeyAccessCause.THROTTLED) {
            void apply(KeyAccessRuleTest t, String key) {
                t.vaultA.faults(new JsonObject()
                        .put(
                                "errors",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("status", 429)
                                                .put("code", "Throttled")
                                                .put("rate", 1.0)
                                                .put("retryAfterSeconds", 0))));
            }
        };

        final KeyAccessCause expected;

        Fault(KeyAccessCause expected) {
            this.expected = expected;
        }

        abstract void apply(KeyAccessRuleTest t, String key);

        /** Default: the vault-wide faults are undone by a normal restart and an empty fault plan. */
        void remove(KeyAccessRuleTest t, String key) {
            t.vaultA.faults(new JsonObject());
            t.vaultA.restart(KeyAccessVaults.Setup.NORMAL);
        }
    }

    static Vertx vertx;
    static KeyAccessVaults vaultA;
    static KeyAccessVaults vaultB;
    static String serviceKek;
    static int keyNames;

    @TempDir
    Path tmp;

    final MutableClock clock = new MutableClock(Instant.now());
    KeyVaults keys;
    DefaultVolumeService service;
    KeyAccessMonitor monitor;

    @BeforeAll
    static void startVaults(@TempDir Path vaults) {
        vertx = Vertx.vertx();
        vaultA = new KeyAccessVaults(vertx, vaults.resolve("a"));
        vaultB = new KeyAccessVaults(vertx, vaults.resolve("b"));
        serviceKek = vaultB.vaultUrl() + "/keys/service-kek";
        vaultB.createKey("service-kek");
    }

    @AfterAll
    static void stopVaults() {
        vaultA.close();
        vaultB.close();
        Await.result(vertx.close());
    }

    @BeforeEach
    void open() {
        keys = KeyVaults.create(
                vertx,
                new KeyVaultsConfig()
                        .addVault(clientOptions(vaultA))
                        .addVault(clientOptions(vaultB))
                        .addIdentity(
                                KeyVaultsConfig.DEFAULT_IDENTITY,
                                new IdentityConfig.StaticToken(KeyAccessVaults.GATEWAY_TOKEN)),
                clock);
        keys.accessContext().setGracePeriod(GRACE);
        LocalFileStorageBackend storage = Await.result(
                LocalFileStorageBackend.open(vertx, new LocalFileBlockStoreOptions().setDataDir(tmp.resolve("store"))));
        service = Await.result(DefaultVolumeService.open(
                vertx,
                storage.blocks(),
                storage.metadata(),
                keys,
                BlockSealer.create(),
                new VolumeServiceOptions().setServiceKekId(serviceKek)));
        monitor = new KeyAccessMonitor(vertx, keys, Duration.ofHours(1));
    }

    @AfterEach
    void close() {
        vaultA.faults(new JsonObject());
        Await.result(service.close());
        Await.result(keys.close());
    }

    private static KeyVaultClientOptions clientOptions(KeyAccessVaults vault) {
        return new KeyVaultClientOptions()
                .setVaultUrl(vault.vaultUrl())
                .setTrustPem(vault.certificatePem())
                .setCallDeadline(Duration.ofMillis(1500))
                .setAttemptTimeout(Duration.ofMillis(600))
                .setMaxRetries(1)
                .setInitialBackoff(Duration.ofMillis(20))
                .setUnhealthyCoolDown(Duration.ofMillis(100));
    }

    /** Two volumes under a fresh customer key in vault A, blocks written; returns the KEK reference. */
    private KekRef customerVolumes(String key) {
        String kid = vaultA.createKey(key);
        for (String v : List.of(key + "-a", key + "-b")) {
            Await.result(service.create(new VolumeSpec(v, BS * 16L, BS, vaultA.vaultUrl() + "/keys/" + key, null)));
            Await.result(service.write(v, 0, pattern(8, v.hashCode())));
        }
        return KekRef.of(KeyId.parse(kid), KeyVaultsConfig.DEFAULT_IDENTITY);
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void keyLostForTheWholeGracePeriodGoesDarkAndComesBackIntact(Fault fault) {
        String key = "k" + (++keyNames) + "-" + fault.name().toLowerCase().replace('_', '-');
        KekRef kek = customerVolumes(key);
        List<String> dark = List.of(key + "-a", key + "-b");
        Await.result(service.create(new VolumeSpec("other-" + key, BS * 16L, BS, null, null)));
        Await.result(service.write("other-" + key, 0, pattern(2, 99)));
        List<Dek> deks = deksOf(dark);

        fault.apply(this, key);
        KeyAccessSnapshot degraded = Await.result(monitor.probe(kek));
        assertEquals(KeyState.DEGRADED, degraded.state(), () -> "after the fault: " + degraded);
        assertEquals(fault.expected, degraded.accessCause(), degraded::causeText);
        for (String v : dark) {
            VolumeInfo info = Await.result(service.get(v));
            assertEquals(
                    fault.expected.jsonName(), info.keyStateCause(), "a volume words the cause as everywhere else");
            assertEquals(degraded.causeText(), info.keyStateCauseDetail());
        }
        Instant since = degraded.since();

        clock.advance(GRACE.minusSeconds(1));
        monitor.tick();
        assertEquals(KeyState.DEGRADED, keys.access(kek).state(), "one second before the deadline");
        for (String v : dark) {
            assertEquals(
                    pattern(8, v.hashCode()), Await.result(service.read(v, 0, 8)), "served from cached DEKs: " + v);
        }

        clock.advance(Duration.ofSeconds(1));
        monitor.tick(); // no traffic needed: the tick moves the KEK on time
        KeyAccessSnapshot gone = keys.access(kek).snapshot();
        assertEquals(KeyState.INACCESSIBLE, gone.state());
        for (Dek d : deks) {
            assertTrue(d.isDestroyed(), "DEK " + d.id() + " destroyed");
        }
        for (String v : dark) {
            for (Supplier<Future<?>> op : dataOperations(v)) {
                StrongroomException e = failsWith(op.get(), ErrorCode.KeyInaccessible);
                assertTrue(
                        e.getMessage().contains(fault.expected.jsonName())
                                && e.getMessage().contains(gone.since().toString()),
                        e.getMessage());
            }
            assertEquals(KeyState.INACCESSIBLE, Await.result(service.get(v)).keyState());
        }
        assertTrue(!gone.since().isBefore(since.plus(GRACE)));
        assertEquals(pattern(2, 99), Await.result(service.read("other-" + key, 0, 2)), "another KEK keeps working");
        Await.result(service.write("other-" + key, 2, pattern(1, 98)));

        fault.remove(this, key);
        assertEquals(KeyState.INACCESSIBLE, keys.access(kek).state(), "only a revalidation brings it back");
        KeyAccessSnapshot back = Await.result(monitor.revalidate(kek, "test"));
        assertEquals(KeyState.AVAILABLE, back.state(), back::causeText);
        for (String v : dark) {
            assertEquals(
                    pattern(8, v.hashCode()), Await.result(service.read(v, 0, 8)), "every block back unchanged: " + v);
        }
        Await.result(service.write(dark.get(0), 8, pattern(1, 7)));
        assertEquals(pattern(1, 7), Await.result(service.read(dark.get(0), 8, 1)));
        List<String> types = keys.activityLog().recent(null, kek.keyUrl(), 100).stream()
                .map(e -> e.type().jsonName() + (e.ok() ? "" : ":" + e.cause()))
                .toList();
        assertTrue(
                types.contains("probe:" + fault.expected.jsonName())
                        && types.contains("revalidation")
                        && types.contains("stateChange"),
                types.toString());
    }

    @Test
    void aFailureShorterThanTheGracePeriodResetsTheClock() {
        String key = "k" + (++keyNames) + "-short";
        KekRef kek = customerVolumes(key);
        Fault.KEY_DISABLED.apply(this, key);
        Instant first = Await.result(monitor.probe(kek)).since();
        clock.advance(GRACE.minusMinutes(1));
        Fault.KEY_DISABLED.remove(this, key);
        assertEquals(KeyState.AVAILABLE, Await.result(monitor.probe(kek)).state());

        clock.advance(Duration.ofMinutes(1));
        Fault.KEY_DISABLED.apply(this, key);
        KeyAccessSnapshot again = Await.result(monitor.probe(kek));
        assertEquals(KeyState.DEGRADED, again.state());
        assertEquals(first.plus(GRACE), again.since(), "the grace period runs from the new failure");
        clock.advance(GRACE.minusSeconds(1));
        monitor.tick();
        assertEquals(KeyState.DEGRADED, keys.access(kek).state(), "19 min 59 s after the first failure: still served");
        assertEquals(pattern(8, (key + "-a").hashCode()), Await.result(service.read(key + "-a", 0, 8)));
        clock.advance(Duration.ofSeconds(1));
        failsWith(
                service.read(key + "-a", 0, 8), ErrorCode.KeyInaccessible); // a request after the deadline moves it too
        assertEquals(KeyState.INACCESSIBLE, keys.access(kek).state());
        Fault.KEY_DISABLED.remove(this, key);
    }

    @Test
    void startedWhileTheVaultIsUnreachableVolumesAnswerKeyUnavailableUntilAProbeUnwraps() {
        String key = "k" + (++keyNames) + "-startup";
        KekRef kek = customerVolumes(key);
        close();
        vaultA.faults(new JsonObject().put("blackholeRate", 1.0));
        open(); // start-up completes although vault A does not answer
        StrongroomException e = failsWith(service.read(key + "-a", 0, 1), ErrorCode.KeyUnavailable);
        assertTrue(
                e.getMessage().contains("vaultUnreachable") || e.getMessage().contains("UNAVAILABLE"), e.getMessage());
        assertEquals(KeyState.DEGRADED, keys.access(kek).state());

        vaultA.faults(new JsonObject());
        KeyAccessSnapshot probed = Await.result(monitor.probe(kek)); // no client request needed
        assertEquals(KeyState.AVAILABLE, probed.state(), probed::causeText);
        for (String v : List.of(key + "-a", key + "-b")) {
            assertEquals(pattern(8, v.hashCode()), Await.result(service.read(v, 0, 8)));
        }
    }

    private List<Dek> deksOf(List<String> volumes) {
        List<Dek> deks = new ArrayList<>();
        for (String v : volumes) {
            VolumeInfo info = Await.result(service.get(v));
            for (String id : info.dekIds()) {
                Dek dek = keys.dekCache().get(DekId.parse(id));
                assertNotNull(dek, "DEK " + id + " in memory");
                deks.add(dek);
            }
        }
        return deks;
    }

    private List<Supplier<Future<?>>> dataOperations(String v) {
        return List.of(
                () -> service.read(v, 0, 1),
                () -> service.write(v, 1, pattern(1, 5)),
                () -> service.trim(v, 2, 1),
                () -> service.flush(v));
    }

    static Buffer pattern(int blocks, int seed) {
        byte[] bytes = new byte[blocks * BS];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (seed * 31 + i * 7 + (i >>> 9));
        }
        return Buffer.buffer(bytes);
    }

    static StrongroomException failsWith(Future<?> future, ErrorCode code) {
        StrongroomException g = Await.failure(future, StrongroomException.class);
        assertEquals(code, g.code(), g::getMessage);
        return g;
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
