package io.strongroom.loadtest.vault;

import io.strongroom.server.LocalVaultClientOptions;
import io.strongroom.vault.CreateKeyOptions;
import io.strongroom.vault.KeyVaultClient;
import io.strongroom.vault.KeyVaultClientOptions;
import io.strongroom.vault.StaticTokenProvider;
import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.LocalVault;
import io.strongroom.vault.local.LocalVaultOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A local-vault started in this process on loopback (self-signed TLS, a fresh token, a temporary data
 * directory) with one RSA key to wrap and unwrap with: what --vault-storm uses when no vault is given.
 */
final class InProcessVault {

    private final LocalVault vault;
    private final String token;

    private InProcessVault(LocalVault vault, String token) {
        this.vault = vault;
        this.token = token;
    }

    static Future<InProcessVault> start(Vertx vertx, Path dataDir, String keyName) {
        String token = randomToken();
        LocalVaultOptions options = new LocalVaultOptions()
                .setDataDir(dataDir)
                .setHost("127.0.0.1")
                .setPort(0)
                .addIdentity(token, new Identity("loadtest", Identity.ALL_PERMISSIONS));
        return LocalVault.start(vertx, options)
                .map(v -> new InProcessVault(v, token))
                .compose(v -> v.createKey(vertx, keyName)
                        .map(v)
                        .recover(e -> v.close().transform(closed -> Future.failedFuture(e))));
    }

    /** Creates the RSA 2048 wrapping key the storm uses, with the vault client's own create call. */
    private Future<Void> createKey(Vertx vertx, String name) {
        StaticTokenProvider tokens = new StaticTokenProvider(token);
        KeyVaultClient client = KeyVaultClient.create(vertx, clientOptions(), tokens);
        return client.createKey(name, new CreateKeyOptions())
                .<Void>mapEmpty()
                .eventually(client::close)
                .eventually(tokens::close);
    }

    /** Client options for this vault: its URL, its loopback endpoint and region, trust in its certificate. */
    KeyVaultClientOptions clientOptions() {
        return LocalVaultClientOptions.reaching(vault);
    }

    String baseUrl() {
        return vault.baseUrl();
    }

    String region() {
        return vault.region();
    }

    /** The bearer token for this vault; never printed. */
    String token() {
        return token;
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
