package io.strongroom.vault;

import java.util.Map;

/**
 * How the client talks to its endpoints.
 *
 * @param tlsEngine            "openssl" (netty-tcnative BoringSSL) or "jdk"
 * @param httpVersionByEndpoint last negotiated version per endpoint base URL, e.g. "HTTP_2"
 */
public record TransportInfo(String tlsEngine, Map<String, String> httpVersionByEndpoint) {
    public TransportInfo {
        httpVersionByEndpoint = Map.copyOf(httpVersionByEndpoint);
    }
}
