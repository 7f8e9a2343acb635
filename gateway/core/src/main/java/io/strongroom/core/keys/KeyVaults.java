package io.strongroom.core.keys;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.vault.CachingTokenProvider;
import io.strongroom.vault.ClientCredentialsTokenProvider;
import io.strongroom.vault.KeyId;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.ManagedIdentityTokenProvider;
import io.strongroom.vault.StaticTokenProvider;
import io.strongroom.vault.TokenProvider;
import io.strongroom.vault.VaultLatency;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's view of its key vaults: one {@link KeyVaultClient} per (configured vault, identity), created on
 * first use; the PKCS#11 token, if configured; the {@link KekProvider} of each key id; one {@link KeyAccess} per
 * KEK; the {@link DekCache}. Only vaults, identities and the token from {@link KeyVaultsConfig} are used.
 * Thread-safe.
 */
public final class KeyVaults {
    private final Vertx vertx;
    private final KeyVaultsConfig config;
    private final Clock clock;
    private final Map<String, TokenProvider> tokenProviders = new LinkedHashMap<>();
    private final ConcurrentHashMap<String, KeyVaultClient> clients = new ConcurrentHashMap<>();
    private final Pkcs11KekProvider pkcs11;
    private final ConcurrentHashMap<KekRef, KeyAccess> access = new ConcurrentHashMap<>();
    private final DekCache dekCache = new DekCache();
    private final DekWrapping wrapping = new DekWrapping(this);
    private final KeyAccessContext accessContext;

    private KeyVaults(Vertx vertx, KeyVaultsConfig config, Clock clock) {
        this.vertx = vertx;
        this.config = config;
        this.clock = clock;
        this.accessContext = new KeyAccessContext(clock, dekCache);
        this.pkcs11 = config.getPkcs11() == null ? null : new Pkcs11KekProvider(vertx, config.getPkcs11());
        config.getIdentities().forEach((name, identity) -> tokenProviders.put(name, tokenProvider(identity)));
    }

    public static KeyVaults create(Vertx vertx, KeyVaultsConfig config) {
        return create(vertx, config, Clock.systemUTC());
    }

    /** {@code clock} drives key-state timestamps (and, with issue 5, the grace period); tests pass a controllable one. */
    public static KeyVaults create(Vertx vertx, KeyVaultsConfig config, Clock clock) {
        if (!config.getIdentities().containsKey(config.getDefaultIdentity())) {
            throw new IllegalArgumentException(
                    "default identity '" + config.getDefaultIdentity() + "' is not configured");
        }
        return new KeyVaults(vertx, config, clock);
    }

    /** The identity name to use: the given one or the configured default. InvalidArgument if unknown. */
    public String resolveIdentity(String identityOrNull) {
        String name = identityOrNull == null ? config.getDefaultIdentity() : identityOrNull;
        if (!tokenProviders.containsKey(name)) {
            throw new StrongroomException(ErrorCode.InvalidArgument, "identity '" + name + "' is not configured");
        }
        return name;
    }

    /** The client for the key's vault as {@code identity}. InvalidArgument if the vault or identity is not configured. */
    public KeyVaultClient client(KeyId kid, String identity) {
        String vaultUrl = kid.vaultUrl();
        KeyVaultClientOptions options = config.getVaults().get(vaultUrl);
        if (options == null) {
            throw new StrongroomException(ErrorCode.InvalidArgument, "vault " + vaultUrl + " is not configured");
        }
        String identityName = resolveIdentity(identity);
        TokenProvider tokens = tokenProviders.get(identityName);
        return clients.computeIfAbsent(
                vaultUrl + " as " + identityName, k -> KeyVaultClient.create(vertx, options, tokens));
    }

    /**
     * Where the KEK {@code kid} lives: the configured PKCS#11 token for {@code pkcs11:} ids, else the client of its
     * vault as {@code identity}. InvalidArgument if the token, vault or identity is not configured.
     */
    public KekProvider provider(KeyId kid, String identity) {
        String token = kid.pkcs11Token();
        if (token == null) {
            return KekProvider.of(client(kid, identity));
        }
        resolveIdentity(identity);
        if (pkcs11 == null || !token.equals(config.getPkcs11().tokenLabel())) {
            throw new StrongroomException(ErrorCode.InvalidArgument, "PKCS#11 token '" + token + "' is not configured");
        }
        return pkcs11;
    }

    /** The access state of a KEK, created AVAILABLE on first use. */
    public KeyAccess access(KekRef kek) {
        return access.computeIfAbsent(kek, k -> new KeyAccess(k, accessContext));
    }

    /** The access state of a KEK if it is in use, else null. */
    KeyAccess existingAccess(KekRef kek) {
        return access.get(kek);
    }

    /** Access states of every KEK in use, for health and metrics, ordered by key URL and identity. */
    public List<KeyAccessSnapshot> keyStates() {
        List<KeyAccessSnapshot> states = new ArrayList<>();
        access.values().forEach(a -> states.add(a.snapshot()));
        states.sort(Comparator.comparing((KeyAccessSnapshot s) -> s.kek().keyUrl())
                .thenComparing(s -> s.kek().identity()));
        return states;
    }

    public DekCache dekCache() {
        return dekCache;
    }

    /** Wrapping and unwrapping of DEKs through the vaults. */
    public DekWrapping wrapping() {
        return wrapping;
    }

    /** Latency of every client created so far and of the PKCS#11 token if configured (metrics and health). */
    public List<VaultLatency> latencies() {
        List<VaultLatency> all = new ArrayList<>();
        clients.values().forEach(c -> all.add(c.latency()));
        if (pkcs11 != null) {
            all.add(pkcs11.latency());
        }
        return all;
    }

    /** The clients created so far (for vault latency and transport metrics). */
    public Map<String, KeyVaultClient> clients() {
        return Map.copyOf(clients);
    }

    public Clock clock() {
        return clock;
    }

    /** Grace period, activity log, transition listeners and the directory of DEKs in use, shared by every KEK. */
    public KeyAccessContext accessContext() {
        return accessContext;
    }

    /** The activity log (in memory until the gateway sets its file): record rotations, rollovers, re-seals here. */
    public io.strongroom.core.activity.ActivityLog activityLog() {
        return accessContext.activityLog();
    }

    /** Destroys every cached DEK, closes the vault clients and token providers, logs out of the PKCS#11 token. */
    public Future<Void> close() {
        dekCache.destroyAll();
        List<Future<Void>> closing = new ArrayList<>();
        clients.values().forEach(c -> closing.add(c.close()));
        clients.clear();
        tokenProviders.values().forEach(t -> closing.add(t.close()));
        if (pkcs11 != null) {
            closing.add(pkcs11.close());
        }
        return Future.join(closing).mapEmpty();
    }

    private TokenProvider tokenProvider(IdentityConfig identity) {
        TokenProvider raw;
        if (identity instanceof IdentityConfig.StaticToken s) {
            raw = new StaticTokenProvider(s.token());
        } else if (identity instanceof IdentityConfig.ManagedIdentity m) {
            raw = new ManagedIdentityTokenProvider(vertx, m.endpointUrl(), m.clientId(), m.trustPem());
        } else if (identity instanceof IdentityConfig.ClientCredentials c) {
            raw = new ClientCredentialsTokenProvider(
                    vertx, c.authorityUrl(), c.tenant(), c.clientId(), c.clientSecret(), c.trustPem());
        } else {
            // Java 17 has no pattern switch over the sealed type; a new permitted type must be added here.
            throw new IllegalArgumentException(
                    "unknown identity type " + identity.getClass().getName());
        }
        // One cache per identity, shared by its clients of every vault: one refresh serves them all.
        return new CachingTokenProvider(raw);
    }

    @Override
    public String toString() {
        return "KeyVaults[vaults=" + config.getVaults().keySet() + ", identities=" + tokenProviders.keySet()
                + (pkcs11 == null ? "" : ", pkcs11 token=" + config.getPkcs11().tokenLabel()) + "]";
    }
}
