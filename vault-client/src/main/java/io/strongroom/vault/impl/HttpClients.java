package io.strongroom.vault.impl;

import io.netty.handler.ssl.OpenSsl;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;

/** Builds the WebClient options for vault and token endpoints: TLS engine, trust, ALPN/HTTP2, pooling. */
public final class HttpClients {
    public static final String ENGINE_OPENSSL = "openssl";
    public static final String ENGINE_JDK = "jdk";
    private static final String USER_AGENT = "strongroom-vault-client/0.1";

    private HttpClients() {}

    /** "openssl" when netty-tcnative (BoringSSL) loads and the caller prefers it, else "jdk". */
    public static String chooseEngine(boolean preferOpenSsl) {
        return preferOpenSsl && openSslUsable() ? ENGINE_OPENSSL : ENGINE_JDK;
    }

    private static boolean openSslUsable() {
        try {
            return OpenSsl.isAvailable();
        } catch (LinkageError e) {
            return false;
        }
    }

    /**
     * Options shared by vault and token clients: TLS with hostname verification, the chosen engine,
     * optional PEM trust, keep-alive; no redirects (a redirect could carry the bearer token elsewhere).
     */
    public static WebClientOptions base(String engine, String trustPem, boolean verifyHost) {
        WebClientOptions o = new WebClientOptions()
                .setUserAgent(USER_AGENT)
                .setFollowRedirects(false)
                .setKeepAlive(true)
                .setVerifyHost(verifyHost)
                .setTcpNoDelay(true);
        o.setSslEngineOptions(ENGINE_OPENSSL.equals(engine) ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions());
        if (trustPem != null && !trustPem.isBlank()) {
            o.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(trustPem)));
        }
        return o;
    }

    /** Vault client options: HTTP/2 offered through ALPN when asked (HTTP/1.1 stays acceptable). */
    public static WebClientOptions vault(String engine, String trustPem, boolean verifyHost, boolean http2) {
        WebClientOptions o = base(engine, trustPem, verifyHost);
        o.setUseAlpn(true);
        if (http2) {
            // over TLS the version is negotiated through ALPN; a plain-http endpoint (tests only) gets
            // Vert.x's default HTTP/1.1 Upgrade attempt, which an HTTP/1.1-only server simply ignores
            o.setProtocolVersion(HttpVersion.HTTP_2).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
        }
        return o;
    }
}
