package io.strongroom.server;

import io.strongroom.server.config.GatewayConfig;
import io.strongroom.server.config.VaultConfig;
import io.strongroom.vault.CreateKeyOptions;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.StaticTokenProvider;
import io.strongroom.vault.VaultErrorClass;
import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.LocalVault;
import io.strongroom.vault.local.LocalVaultOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The embedded default vault: local-vault in-process on loopback (ephemeral port, data under
 * {@code <dataDir>/vault}, master key from {@link MasterKeySource}) holding the service KEK {@code strongroom-service-key} (RSA 2048), created on first
 * start. The vault has a fixed identity URL, so key ids stored in volume metadata stay valid although the
 * port changes at every start; requests go to the actual {@code https://127.0.0.1:<port>}.
 */
final class EmbeddedVault {
    private static final System.Logger LOG = System.getLogger(EmbeddedVault.class.getName());

    /** The vault identity in key ids; {@code .invalid} never resolves, so nothing but the endpoint is ever contacted. */
    static final String VAULT_URL = "https://embedded-vault.strongroom.invalid";

    static final String IDENTITY = "embedded";
    private static final Set<String> PERMISSIONS = Set.of("get", "list", "create", "wrapKey", "unwrapKey");

    /**
     * Deadline of one service-key call (and of each of its attempts). The vault is in this process: it cannot be
     * unreachable, only slow (a loaded machine, a cold JIT, RSA key generation), so the configured vault deadlines,
     * meant for a remote vault, do not apply here.
     */
    static final Duration SERVICE_KEY_CALL_DEADLINE = Duration.ofMinutes(1);

    private static final Duration FIRST_RETRY_DELAY = Duration.ofMillis(500);
    private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(15);

    final LocalVault vault;
    final String token;
    /** For the gateway's own clients: the configured vault deadlines. */
    final KeyVaultClientOptions clientOptions;

    private EmbeddedVault(LocalVault vault, String token, VaultConfig config) {
        this.vault = vault;
        this.token = token;
        this.clientOptions =
                config.applyDeadlines(LocalVaultClientOptions.reaching(vault).setVaultUrl(VAULT_URL));
    }

    /** Versionless id of the service KEK; volumes record the versioned id that wrapped their DEK. */
    static String serviceKekId() {
        return VAULT_URL + "/keys/" + GatewayConfig.EMBEDDED_SERVICE_KEK_NAME;
    }

    /** Starts the vault with the master key from {@link MasterKeySource#choose}. */
    static Future<EmbeddedVault> start(Vertx vertx, Path dataDir, VaultConfig config) {
        String token = randomToken();
        return vertx.executeBlocking(() -> MasterKeySource.choose(config, dataDir), false)
                .compose(source -> {
                    LocalVaultOptions options = source.applyTo(new LocalVaultOptions()
                            .setDataDir(dataDir.resolve("vault"))
                            .setHost("127.0.0.1")
                            .setPort(0)
                            .setVaultUrl(VAULT_URL)
                            .addIdentity(token, new Identity("strongroom-gateway", PERMISSIONS)));
                    return LocalVault.start(vertx, options).recover(e -> Future.failedFuture(source.explain(e)));
                })
                .map(v -> new EmbeddedVault(v, token, config));
    }

    /**
     * Creates the service KEK unless it exists, through a client of its own with {@link #SERVICE_KEY_CALL_DEADLINE}.
     * A transient failure (UNAVAILABLE, THROTTLED) is logged and retried until the vault answers, so a slow first
     * start waits instead of exiting; any other failure (a refusal: the vault is misconfigured) fails start-up.
     */
    Future<Void> ensureServiceKey(Vertx vertx) {
        KeyVaultClientOptions patient = new KeyVaultClientOptions(clientOptions)
                .setCallDeadline(SERVICE_KEY_CALL_DEADLINE)
                .setAttemptTimeout(SERVICE_KEY_CALL_DEADLINE);
        return ensureKey(vertx, patient, token, GatewayConfig.EMBEDDED_SERVICE_KEK_NAME);
    }

    /** Gets or creates the key {@code name}, retrying transient failures with backoff until it is there. */
    static Future<Void> ensureKey(Vertx vertx, KeyVaultClientOptions options, String token, String name) {
        StaticTokenProvider tokens = new StaticTokenProvider(token);
        // created on a worker: the first client loads the vault client's classes and its TLS set-up
        return vertx.executeBlocking(() -> KeyVaultClient.create(vertx, options, tokens), false)
                .compose(client ->
                        attempt(vertx, client, name, 1, FIRST_RETRY_DELAY).eventually(client::close))
                .eventually(tokens::close);
    }

    private static Future<Void> attempt(Vertx vertx, KeyVaultClient client, String name, int round, Duration delay) {
        return getOrCreate(client, name).recover(e -> {
            if (!transientFailure(e)) {
                return Future.failedFuture(e);
            }
            LOG.log(
                    Level.WARNING,
                    "embedded vault: the service key check (round {0}) failed, retrying in {1} ms: {2}",
                    String.valueOf(round),
                    String.valueOf(delay.toMillis()),
                    e.getMessage());
            Duration next =
                    delay.multipliedBy(2).compareTo(MAX_RETRY_DELAY) > 0 ? MAX_RETRY_DELAY : delay.multipliedBy(2);
            return vertx.timer(delay.toMillis(), TimeUnit.MILLISECONDS)
                    .compose(x -> attempt(vertx, client, name, round + 1, next));
        });
    }

    private static Future<Void> getOrCreate(KeyVaultClient client, String name) {
        return client.getKey(name, null)
                .<Void>mapEmpty()
                .recover(e -> e instanceof KeyVaultException k && k.errorClass() == VaultErrorClass.KEY_NOT_FOUND
                        ? client.createKey(name, new CreateKeyOptions())
                                .onSuccess(created -> LOG.log(
                                        Level.INFO, "embedded vault: created the service key {0}", created.kid()))
                                .mapEmpty()
                        : Future.failedFuture(e));
    }

    private static boolean transientFailure(Throwable e) {
        return e instanceof KeyVaultException k
                && (k.errorClass() == VaultErrorClass.UNAVAILABLE || k.errorClass() == VaultErrorClass.THROTTLED);
    }

    Future<Void> close() {
        return vault.close();
    }

    private static String randomToken() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
