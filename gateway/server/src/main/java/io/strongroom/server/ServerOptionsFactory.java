package io.strongroom.server;

import io.netty.handler.ssl.OpenSsl;
import io.strongroom.crypto.TlsPolicy;
import io.strongroom.server.config.ClientAuthMode;
import io.strongroom.server.config.GatewayConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * The HTTP server options of the gateway, following docs/PERFORMANCE.md: strict thread mode, no compression,
 * no h2c, HTTP/2's SETTINGS_MAX_CONCURRENT_STREAMS from {@code limits.maxStreamsPerConnection}; with TLS, the OpenSSL (BoringSSL) engine when it loads, {@link TlsPolicy}'s versions and suites, HTTP/2 by
 * ALPN.
 */
public final class ServerOptionsFactory {

    /** PEM material read from the configured files (reading is blocking; done once at start-up). */
    public record TlsMaterial(Buffer certChain, Buffer privateKey, Buffer clientCa) {
        @Override
        public String toString() {
            return "TlsMaterial[private key not shown]";
        }
    }

    private ServerOptionsFactory() {}

    /** @param tls null for plain HTTP */
    public static HttpServerOptions create(GatewayConfig config, int port, TlsMaterial tls) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost(config.getHost())
                .setPort(port)
                .setStrictThreadMode(true)
                .setCompressionSupported(false)
                .setDecompressionSupported(false)
                .setHttp2ClearTextEnabled(false)
                .setHandle100ContinueAutomatically(false)
                .setTcpNoDelay(true)
                .setReuseAddress(true)
                // announced to HTTP/2 clients; the HTTP frontend enforces it from the first stream
                .setInitialSettings(new Http2Settings()
                        .setMaxConcurrentStreams(config.limits().getMaxStreamsPerConnection()));
        if (tls == null) {
            return options;
        }
        options.setSsl(true)
                .setUseAlpn(true)
                .setEnabledSecureTransportProtocols(TlsPolicy.PROTOCOLS)
                .setSslEngineOptions(openSslAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions())
                .setKeyCertOptions(
                        new PemKeyCertOptions().setCertValue(tls.certChain()).setKeyValue(tls.privateKey()));
        TlsPolicy.CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
        ClientAuthMode clientAuth = config.tls().getClientAuth();
        if (clientAuth != ClientAuthMode.NONE) {
            options.setClientAuth(clientAuth == ClientAuthMode.REQUIRE ? ClientAuth.REQUIRED : ClientAuth.REQUEST);
        }
        if (tls.clientCa() != null) {
            options.setTrustOptions(new PemTrustOptions().addCertValue(tls.clientCa()));
        }
        return options;
    }

    /** True when netty-tcnative (BoringSSL) loaded: TLS runs through the OpenSSL engine. */
    public static boolean openSslAvailable() {
        return OpenSsl.isAvailable();
    }
}
