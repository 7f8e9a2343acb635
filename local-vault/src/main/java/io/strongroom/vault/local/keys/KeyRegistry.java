package io.strongroom.vault.local.keys;

import io.strongroom.vault.local.errors.VaultError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All keys of the vault and the rules of their life cycle (versions, attributes, soft-delete,
 * recovery, purge protection, usability for wrap/unwrap).
 *
 * <p>Reads are lock-free snapshots and cheap enough for an event loop. Mutations generate keys and
 * write files, so they block: callers run them on worker threads. Mutations are serialized and a
 * change becomes visible only after its file is durably written.
 */
public final class KeyRegistry {
    /** The operations Azure refuses outside a key's nbf/exp window. */
    private static final Set<String> TIME_BOUND_OPERATIONS = Set.of("encrypt", "wrapKey", "sign");

    private final ConcurrentHashMap<String, VaultKey> keys = new ConcurrentHashMap<>();
    private final KeyFileStore store;
    private final Clock clock;
    private final int retentionDays;
    private final boolean purgeProtection;
    private final SecureRandom random = new SecureRandom();

    private KeyRegistry(KeyFileStore store, Clock clock, int retentionDays, boolean purgeProtection) {
        this.store = store;
        this.clock = clock;
        this.retentionDays = retentionDays;
        this.purgeProtection = purgeProtection;
    }

    /** Loads every key from the store. Blocking. */
    public static KeyRegistry open(KeyFileStore store, Clock clock, int retentionDays, boolean purgeProtection)
            throws IOException, GeneralSecurityException {
        KeyRegistry registry = new KeyRegistry(store, clock, retentionDays, purgeProtection);
        for (VaultKey key : store.loadAll()) {
            registry.keys.put(key.name(), key);
        }
        return registry;
    }

    /** Azure's DeletionRecoveryLevel for this vault's soft-delete settings. */
    public String recoveryLevel() {
        String base = retentionDays < 90 ? "CustomizedRecoverable" : "Recoverable";
        return purgeProtection ? base : base + "+Purgeable";
    }

    public int recoverableDays() {
        return retentionDays;
    }

    // ---- reads (non-blocking) ----

    public VaultKey live(String name) {
        VaultKey key = keys.get(name);
        if (key == null || key.isDeleted()) {
            throw VaultError.keyNotFound(name);
        }
        return key;
    }

    /** The named version, or the current one when {@code version} is null or empty. */
    public KeyVersion liveVersion(String name, String version) {
        VaultKey key = live(name);
        if (version == null || version.isEmpty()) {
            return key.latest();
        }
        return key.version(version).orElseThrow(() -> VaultError.keyVersionNotFound(name, version));
    }

    public List<VaultKey> liveKeys() {
        List<VaultKey> out = new ArrayList<>();
        for (VaultKey k : keys.values()) {
            if (!k.isDeleted()) {
                out.add(k);
            }
        }
        out.sort(Comparator.comparing(VaultKey::name));
        return out;
    }

    public VaultKey deleted(String name) {
        VaultKey key = keys.get(name);
        if (key == null || !key.isDeleted() || key.isPurgeDue(now())) {
            throw VaultError.deletedKeyNotFound(name);
        }
        return key;
    }

    public List<VaultKey> deletedKeys() {
        Instant now = now();
        List<VaultKey> out = new ArrayList<>();
        for (VaultKey k : keys.values()) {
            if (k.isDeleted() && !k.isPurgeDue(now)) {
                out.add(k);
            }
        }
        out.sort(Comparator.comparing(VaultKey::name));
        return out;
    }

    /**
     * The version to run {@code operation} with, after Azure's checks: enabled, the operation listed in key_ops and,
     * for the operations that protect new data (encrypt, wrapKey, sign), inside its nbf/exp window. Outside the
     * window Azure still decrypts, unwraps and verifies, so that data protected while the key was valid stays
     * readable; so does this vault.
     */
    public KeyVersion usableFor(String name, String version, String operation) {
        KeyVersion v = liveVersion(name, version);
        Instant now = clock.instant();
        if (!v.enabled()) {
            throw VaultError.keyDisabled(operation);
        }
        if (TIME_BOUND_OPERATIONS.contains(operation)) {
            if (v.notBefore() != null && now.isBefore(v.notBefore())) {
                throw VaultError.keyNotYetValid(operation);
            }
            if (v.expires() != null && !now.isBefore(v.expires())) {
                throw VaultError.keyExpired(operation);
            }
        }
        if (!v.keyOps().contains(operation)) {
            throw VaultError.operationNotPermittedOnKey(operation);
        }
        return v;
    }

    // ---- mutations (blocking: worker threads only) ----

    /** Creates the key, or a new version of it when the name exists (as Azure does). */
    public KeyVersion create(String name, KeySpec spec) {
        KeyPair pair = generate(spec.keySize());
        return addVersion(name, spec, (RSAPublicKey) pair.getPublic(), (RSAPrivateCrtKey) pair.getPrivate());
    }

    /** Imports key material as a new key, or as a new version of it when the name exists (as Azure does). */
    public KeyVersion importKey(String name, KeySpec spec, RSAPublicKey publicKey, RSAPrivateCrtKey privateKey) {
        return addVersion(name, spec, publicKey, privateKey);
    }

    private KeyVersion addVersion(String name, KeySpec spec, RSAPublicKey publicKey, RSAPrivateCrtKey privateKey) {
        KeyVersion fresh = newVersion(spec, publicKey, privateKey);
        synchronized (this) {
            VaultKey existing = keys.get(name);
            if (existing != null && existing.isDeleted()) {
                refuseDeleted(existing);
                existing = null;
            }
            VaultKey next =
                    existing == null ? new VaultKey(name, List.of(fresh), null, null) : existing.withVersion(fresh);
            persist(next);
            return fresh;
        }
    }

    /** A soft-deleted key blocks its name until it is purged (or its retention has passed: then it goes now). */
    private void refuseDeleted(VaultKey deleted) {
        if (!deleted.isPurgeDue(now())) {
            throw VaultError.deletedButRecoverable(deleted.name());
        }
        removeFile(deleted.name());
        keys.remove(deleted.name());
    }

    /** The protected backup blob of every version of a live key. */
    public byte[] backup(String name) {
        try {
            return store.backup(live(name));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal key backup", e);
        }
    }

    /**
     * Restores a backup under its own name, with its versions and attributes, as Azure does; refused while the name
     * is taken by a live or soft-deleted key.
     */
    public VaultKey restore(byte[] blob) {
        VaultKey restored;
        try {
            restored = store.restore(blob);
        } catch (GeneralSecurityException | IOException e) {
            throw VaultError.badParameter("The backup blob is not valid for this vault (corrupt, or sealed by"
                    + " another vault's master secret).");
        }
        synchronized (this) {
            VaultKey existing = keys.get(restored.name());
            if (existing != null && existing.isDeleted()) {
                refuseDeleted(existing);
            } else if (existing != null) {
                throw VaultError.restoreConflict(restored.name());
            }
            persist(restored);
            return restored;
        }
    }

    /** A new version with the current version's type, size, operations and tags. */
    public KeyVersion rotate(String name) {
        KeyVersion current = live(name).latest();
        KeyPair pair = generate(current.keySize());
        KeyVersion fresh = newVersion(
                new KeySpec(current.kty(), current.keySize(), current.keyOps(), true, null, null, current.tags()),
                (RSAPublicKey) pair.getPublic(),
                (RSAPrivateCrtKey) pair.getPrivate());
        synchronized (this) {
            persist(live(name).withVersion(fresh));
            return fresh;
        }
    }

    public synchronized KeyVersion update(String name, String version, KeyUpdate update) {
        KeyVersion v = liveVersion(name, version);
        KeyVersion changed = v.withUpdate(update, now());
        persist(live(name).withReplaced(changed));
        return changed;
    }

    public synchronized VaultKey delete(String name) {
        Instant now = now();
        VaultKey gone = live(name).deleted(now, now.plus(Duration.ofDays(retentionDays)));
        persist(gone);
        return gone;
    }

    public synchronized VaultKey recover(String name) {
        VaultKey back = deleted(name).recovered();
        persist(back);
        return back;
    }

    public synchronized void purge(String name) {
        VaultKey key = deleted(name);
        if (purgeProtection && now().isBefore(key.scheduledPurgeDate())) {
            throw VaultError.purgeProtected(name);
        }
        removeFile(name);
        keys.remove(name);
    }

    /** Physically removes deleted keys whose retention has passed; returns how many. */
    public synchronized int purgeDue() {
        Instant now = now();
        int n = 0;
        for (VaultKey k : List.copyOf(keys.values())) {
            if (k.isPurgeDue(now)) {
                removeFile(k.name());
                keys.remove(k.name());
                n++;
            }
        }
        return n;
    }

    private KeyPair generate(int keySize) {
        try {
            KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
            kpg.initialize(new RSAKeyGenParameterSpec(keySize, RSAKeyGenParameterSpec.F4), random);
            return kpg.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA key generation failed", e);
        }
    }

    private KeyVersion newVersion(KeySpec spec, RSAPublicKey publicKey, RSAPrivateCrtKey privateKey) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        Instant now = now();
        return new KeyVersion(
                HexFormat.of().formatHex(id),
                spec.kty(),
                spec.keySize(),
                publicKey,
                privateKey,
                spec.keyOps(),
                spec.enabled(),
                spec.notBefore(),
                spec.expires(),
                now,
                now,
                spec.tags());
    }

    private void persist(VaultKey key) {
        try {
            store.save(key);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal private key for storage", e);
        }
        keys.put(key.name(), key);
    }

    private void removeFile(String name) {
        try {
            store.remove(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }
}
