package io.strongroom.server;

import io.strongroom.crypto.AesNiProbe;
import io.strongroom.crypto.AesNiReport;
import io.strongroom.server.config.ConfigException;
import io.strongroom.server.config.GatewayConfig;
import io.strongroom.server.config.TlsConfig;
import io.strongroom.server.config.VaultIdentityConfig;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything start-up reads from disk or measures before going asynchronous: API tokens (generated on
 * first start), TLS and trust PEM files, the AES-NI probe. Blocking: built on a worker thread.
 */
record StartupMaterial(
        CredentialsBootstrap.Result credentials,
        String adminToken,
        ServerOptionsFactory.TlsMaterial tls,
        String vaultTrustPem,
        Map<String, String> identityTrustPems,
        AesNiReport aesNi) {

    static StartupMaterial load(GatewayConfig config) {
        CredentialsBootstrap.Result credentials = CredentialsBootstrap.loadOrGenerate(config.getDataDir());
        String adminToken = CredentialsBootstrap.readToken(credentials.credentialsFile(), CredentialsBootstrap.ADMIN);
        TlsConfig tls = config.tls();
        ServerOptionsFactory.TlsMaterial material = null;
        if (tls.enabled()) {
            material = new ServerOptionsFactory.TlsMaterial(
                    Buffer.buffer(read("tls.cert", tls.getCertPath())),
                    Buffer.buffer(read("tls.key", tls.getKeyPath())),
                    tls.getCaPath() == null ? null : Buffer.buffer(read("tls.ca", tls.getCaPath())));
        }
        String vaultTrust = config.vault().getTrustPemPath() == null
                ? null
                : read("vault.trustPem", config.vault().getTrustPemPath());
        Map<String, String> identityTrust = new HashMap<>();
        for (Map.Entry<String, VaultIdentityConfig> e : config.identities().entrySet()) {
            if (e.getValue().trustPemPath() != null) {
                identityTrust.put(
                        e.getKey(),
                        read(
                                "identities." + e.getKey() + ".trustPem",
                                e.getValue().trustPemPath()));
            }
        }
        return new StartupMaterial(credentials, adminToken, material, vaultTrust, identityTrust, AesNiProbe.run());
    }

    private static String read(String setting, Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("invalid setting " + setting + ": '" + file + "' (expected a readable PEM file)");
        }
    }

    @Override
    public String toString() {
        return "StartupMaterial[credentials=" + credentials.credentialsFile() + "]";
    }
}
