package io.strongroom.vault;

import io.strongroom.vault.impl.DefaultKeyVaultClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * Async client for the Azure Key Vault keys REST API (data plane). Every call is bounded by the
 * options' call deadline; failures are {@link KeyVaultException}s with a {@link VaultErrorClass}.
 * Thread-safe; share one instance per vault.
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

  /** Interval latency per endpoint and operation, and latency warnings. */
  VaultLatency latency();

  /** Which TLS engine is in use and which HTTP versions were negotiated per endpoint. */
  TransportInfo transport();

  Future<Void> close();
}
