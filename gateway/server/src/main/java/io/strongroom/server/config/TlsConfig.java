package io.strongroom.server.config;

import java.nio.file.Path;

/** TLS of the HTTP listener: on when a certificate is configured. PEM files; the key file is never read into logs. */
public class TlsConfig {
    public static final ClientAuthMode DEFAULT_CLIENT_AUTH = ClientAuthMode.NONE;

    private Path certPath;
    private Path keyPath;
    private ClientAuthMode clientAuth = DEFAULT_CLIENT_AUTH;
    private Path caPath;

    public boolean enabled() {
        return certPath != null;
    }

    public Path getCertPath() {
        return certPath;
    }

    /** PEM certificate chain of the server. */
    public TlsConfig setCertPath(Path certPath) {
        this.certPath = certPath;
        return this;
    }

    public Path getKeyPath() {
        return keyPath;
    }

    /** PEM private key (PKCS#8 or PKCS#1) of the server. */
    public TlsConfig setKeyPath(Path keyPath) {
        this.keyPath = keyPath;
        return this;
    }

    public ClientAuthMode getClientAuth() {
        return clientAuth;
    }

    public TlsConfig setClientAuth(ClientAuthMode clientAuth) {
        this.clientAuth = clientAuth;
        return this;
    }

    public Path getCaPath() {
        return caPath;
    }

    /** PEM CA certificates that client certificates must chain to. */
    public TlsConfig setCaPath(Path caPath) {
        this.caPath = caPath;
        return this;
    }
}
