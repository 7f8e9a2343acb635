package io.strongroom.server;

import io.strongroom.crypto.AesNiProbe;
import io.strongroom.crypto.AesNiReport;
import io.strongroom.server.config.GatewayConfig;
import io.strongroom.server.config.PemFile;
import io.strongroom.server.config.TlsConfig;
import io.vertx.core.buffer.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * Everything start-up reads from disk or measures before going asynchronous: API tokens (generated on
 * first start), TLS and trust PEM files, the AES-NI probe. Blocking: built on a worker thread.
 */
record StartupMaterial(
        CredentialsBootstrap.Result credentials,
        @Nullable String adminToken,
        ServerOptionsFactory.@Nullable TlsMaterial tls,
        @Nullable String vaultTrustPem,
        AesNiReport aesNi) {

    static StartupMaterial load(GatewayConfig config) {
        CredentialsBootstrap.Result credentials = CredentialsBootstrap.loadOrGenerate(config.getDataDir());
        String adminToken = CredentialsBootstrap.readToken(credentials.credentialsFile(), CredentialsBootstrap.ADMIN);
        TlsConfig tls = config.tls();
        ServerOptionsFactory.@Nullable TlsMaterial material = null;
        if (tls.enabled()) {
            material = new ServerOptionsFactory.TlsMaterial(
                    Buffer.buffer(PemFile.read("tls.cert", tls.getCertPath())),
                    Buffer.buffer(PemFile.read("tls.key", tls.getKeyPath())),
                    tls.getCaPath() == null ? null : Buffer.buffer(PemFile.read("tls.ca", tls.getCaPath())));
        }
        String vaultTrust = config.vault().getTrustPemPath() == null
                ? null
                : PemFile.read("vault.trustPem", config.vault().getTrustPemPath());
        return new StartupMaterial(credentials, adminToken, material, vaultTrust, AesNiProbe.run());
    }

    @Override
    public String toString() {
        return "StartupMaterial[credentials=" + credentials.credentialsFile() + "]";
    }
}
