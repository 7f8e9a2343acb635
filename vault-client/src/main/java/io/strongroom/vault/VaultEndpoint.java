package io.strongroom.vault;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * One place requests for a vault can be sent to, with the region it runs in. Several endpoints may
 * serve one vault identity (e.g. regional replicas or private endpoints); the client prefers those in
 * its own region.
 */
public final class VaultEndpoint {
    private final String baseUrl;
    private final String region;
    private final String host;
    private final int port;
    private final boolean ssl;

    /**
     * @param baseUrl {@code https://host[:port]} (http is accepted for tests; no path)
     * @param region  region label, compared with {@link KeyVaultClientOptions#getLocalRegion()}
     */
    public VaultEndpoint(String baseUrl, String region) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        URI uri = URI.create(baseUrl);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("endpoint must be an http(s) URL: " + baseUrl);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("endpoint has no host: " + baseUrl);
        }
        if (uri.getRawPath() != null
                && !uri.getRawPath().isEmpty()
                && !uri.getRawPath().equals("/")) {
            throw new IllegalArgumentException("endpoint must not have a path: " + baseUrl);
        }
        this.ssl = scheme.equals("https");
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : (ssl ? 443 : 80);
        this.baseUrl = scheme + "://" + uri.getRawAuthority();
        this.region = Objects.requireNonNull(region, "region");
    }

    public String baseUrl() {
        return baseUrl;
    }

    public String region() {
        return region;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public boolean ssl() {
        return ssl;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VaultEndpoint other && baseUrl.equals(other.baseUrl) && region.equals(other.region);
    }

    @Override
    public int hashCode() {
        return baseUrl.hashCode() * 31 + region.hashCode();
    }

    @Override
    public String toString() {
        return baseUrl + " (" + region + ")";
    }
}
