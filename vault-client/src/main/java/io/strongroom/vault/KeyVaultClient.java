package io.strongroom.vault;

import io.strongroom.vault.impl.DefaultKeyVaultClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Async client for the Azure Key Vault keys REST API (data plane). Every call is bounded by the
 * options' call deadline; failures are {@link KeyVaultException}s with a {@link VaultErrorClass}.
 * Thread-safe; share one instance per vault.
 *
 * <p>Besides the calls on the key path (get, list, wrap, unwrap) it has the few key administration
 * calls that setup code and tests need (create, rotate, delete), so they do not build raw requests
 * with their own token, trust and error handling. They need the keys/create, rotate and delete
 * permissions, which the gateway's own identity normally lacks (then: FORBIDDEN).
 */
public interface KeyVaultClient {

    /**
     * Creates a client. The token provider is wrapped in a {@link CachingTokenProvider} unless it
     * already is one; the caller keeps ownership of (and closes) the provider.
     */
    static KeyVaultClient create(Vertx vertx, KeyVaultClientOptions options, TokenProvider tokens) {
        return new DefaultKeyVaultClient(vertx, options, tokens);
    }

    /** Properties of the latest version (null) or of the given version. */
    Future<KeyProperties> getKey(String name, String versionOrNull);

    Future<KeyProperties> getKey(KeyId kid);

    /** All keys (versionless ids, no key material), following nextLink. */
    Future<List<KeyProperties>> listKeys();

    /** All versions of a key (versioned ids, no key material), following nextLink. */
    Future<List<KeyProperties>> listVersions(String name);

    /** Wraps with the given or latest version; the result carries the versioned kid that wrapped. */
    Future<WrapResult> wrapKey(KeyId kid, String alg, byte[] keyBytes);

    /** Unwraps; kid must carry the version that wrapped. The caller owns (and zeroes) the result. */
    Future<byte[]> unwrapKey(KeyId kid, String alg, byte[] wrapped);

    /**
     * Creates the key, or a new version of it when the name exists (as Azure does); the result is the
     * created version (versioned kid, key size from the returned modulus).
     *
     * <p>Key generation can take seconds (RSA 4096, HSM keys), so an attempt may use the whole remaining
     * call deadline rather than the attempt timeout: an attempt cut short while the vault is still
     * generating would be retried and create another version. Retried on THROTTLED and UNAVAILABLE like
     * every call, although a create is not idempotent: a 429 means nothing was created, but after a 5xx
     * or a dropped connection the vault may have created a version whose answer was lost, and the retry
     * then adds another. That costs at most one unused version per retry and the result still names the
     * latest version, whereas not retrying would leave the caller unsure whether the key exists at all.
     */
    Future<KeyProperties> createKey(String name, CreateKeyOptions options);

    /**
     * A new version of the key with the current version's type, size and operations (Azure: as its
     * rotation policy says); needs api-version 7.3 or later. Attempts and retries as for
     * {@link #createKey}, with the same consequence: a lost answer can leave one extra version.
     */
    Future<KeyProperties> rotateKey(String name);

    /**
     * Deletes the key with all its versions; the result describes its latest version. With soft delete
     * (always on in Azure) the name stays taken until the key is purged or its retention ends: a create
     * of it fails with BAD_REQUEST (HTTP 409, inner code ObjectIsDeletedButRecoverable). Retried on
     * THROTTLED and UNAVAILABLE; when the answer to an attempt that did delete was lost, the retry finds
     * no key and the call fails with KEY_NOT_FOUND, so callers that want the key gone take KEY_NOT_FOUND
     * as done.
     */
    Future<KeyProperties> deleteKey(String name);

    /** Interval latency per endpoint and operation, and latency warnings. */
    VaultLatency latency();

    /** Which TLS engine is in use and which HTTP versions were negotiated per endpoint. */
    TransportInfo transport();

    Future<Void> close();
}
