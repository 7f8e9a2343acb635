package io.strongroom.crypto;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.lang.invoke.VarHandle;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.SecretKey;
import javax.security.auth.Destroyable;

/**
 * A plaintext 256-bit data-encryption key in memory, with its id and its seal count.
 *
 * <p>The key bytes live in one array owned by this object; {@link #destroy()} zeroes it and every
 * later use throws {@link DestroyedKeyException}. The JCA provider necessarily keeps derived state
 * (the expanded AES key schedule, and a copy of the last key) inside each thread's Cipher; see the
 * "Key material in memory" note in crypto/README.md for what that means and what is done about it.
 *
 * <p>Each seal reserves one invocation before it runs, atomically, so concurrent sealers can never
 * push the count past {@link #INVOCATION_LIMIT} (see docs/FORMAT.md, "Nonces and the invocation limit").
 */
public final class Dek implements Destroyable {

    /**
     * Seals allowed per DEK: 2^30. With random 96-bit nonces the chance that any two of 2^30 seals
     * share a nonce is below 2^-37, well under SP 800-38D's 2^-32 bound (which 2^32 seals would just meet).
     */
    public static final long INVOCATION_LIMIT = 1L << 30;

    /** Key length in bytes (AES-256). */
    public static final int KEY_LENGTH = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DekId id;
    private final byte[] key;
    private final AtomicLong invocations;
    private final SecretKey providerView = new ProviderKeyView(this);
    private volatile boolean destroyed;

    private Dek(DekId id, byte[] ownedKey, long invocationsSoFar) {
        this.id = id;
        this.key = ownedKey;
        this.invocations = new AtomicLong(invocationsSoFar);
    }

    /** A new random key from {@link SecureRandom} with a new random id and no invocations. */
    public static Dek generate() {
        byte[] k = new byte[KEY_LENGTH];
        RANDOM.nextBytes(k);
        return new Dek(DekId.random(), k, 0);
    }

    /**
     * Takes an unwrapped key: copies the 32 bytes and zeroes the caller's array (also when the
     * arguments are rejected). {@code invocationsSoFar} is the persisted usage of this DEK, so the
     * limit holds across restarts; it may exceed the limit (the key can then still open blocks).
     */
    public static Dek adopt(DekId id, byte[] keyBytes, long invocationsSoFar) {
        try {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(keyBytes, "keyBytes");
            if (keyBytes.length != KEY_LENGTH) {
                throw new IllegalArgumentException("a DEK is " + KEY_LENGTH + " bytes, got " + keyBytes.length);
            }
            if (invocationsSoFar < 0) {
                throw new IllegalArgumentException("invocationsSoFar must be >= 0");
            }
            return new Dek(id, keyBytes.clone(), invocationsSoFar);
        } finally {
            if (keyBytes != null) {
                Arrays.fill(keyBytes, (byte) 0);
            }
        }
    }

    public DekId id() {
        return id;
    }

    /** Seals done (or reserved) so far, including the {@code invocationsSoFar} it was adopted with. */
    public long invocations() {
        return invocations.get();
    }

    /** Seals left before {@link DekExhaustedException}; 0 when exhausted. */
    public long remainingInvocations() {
        return Math.max(0, INVOCATION_LIMIT - invocations.get());
    }

    /** Zeroes the key bytes. Idempotent. Later use of this DEK throws {@link DestroyedKeyException}. */
    @Override
    public void destroy() {
        destroyed = true;
        // The flag must be visible before any zero byte is: a concurrent reader that copied a
        // partly zeroed key then re-checks the flag (see copyKey) and discards the copy.
        VarHandle.fullFence();
        Arrays.fill(key, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    /**
     * A copy of the raw key, for the one caller that wraps it under a KEK. The caller zeroes the
     * copy as soon as it is wrapped.
     */
    public byte[] insecureKeyBytesForWrapping() {
        return copyKey();
    }

    /** "Dek[id=&lt;hex&gt;]": never any key material. */
    @Override
    public String toString() {
        return "Dek[id=" + id + "]";
    }

    /** Reserves one seal; throws if destroyed or exhausted. The count never passes the limit. */
    void reserveInvocation() {
        checkNotDestroyed();
        long n;
        do {
            n = invocations.get();
            if (n >= INVOCATION_LIMIT) {
                throw new DekExhaustedException(id, INVOCATION_LIMIT);
            }
        } while (!invocations.compareAndSet(n, n + 1));
    }

    void checkNotDestroyed() {
        if (destroyed) {
            throw new DestroyedKeyException(id);
        }
    }

    /** The key as the JCA sees it: a view whose getEncoded() copies from this DEK's single array. */
    SecretKey providerKey() {
        checkNotDestroyed();
        return providerView;
    }

    private byte[] copyKey() {
        checkNotDestroyed();
        byte[] copy = key.clone();
        // Order the copy before the re-check: if destroy() raced with the copy, the flag is seen here.
        VarHandle.acquireFence();
        if (destroyed) {
            Arrays.fill(copy, (byte) 0);
            throw new DestroyedKeyException(id);
        }
        return copy;
    }

    /**
     * Hands the key to the JCA provider without a second long-lived copy: the provider calls
     * getEncoded() at each Cipher.init and gets a fresh copy of the DEK's array (or an exception
     * once the DEK is destroyed). Not serializable.
     */
    private static final class ProviderKeyView implements SecretKey {
        private static final long serialVersionUID = 1L;
        private final transient Dek owner;

        ProviderKeyView(Dek owner) {
            this.owner = owner;
        }

        @Override
        public String getAlgorithm() {
            return "AES";
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            return owner.copyKey();
        }

        @Override
        public void destroy() {
            owner.destroy();
        }

        @Override
        public boolean isDestroyed() {
            return owner.isDestroyed();
        }

        @Override
        public String toString() {
            return "DekKey[id=" + owner.id + "]";
        }

        private void writeObject(ObjectOutputStream out) throws NotSerializableException {
            throw new NotSerializableException("key material is never serialized");
        }
    }
}
