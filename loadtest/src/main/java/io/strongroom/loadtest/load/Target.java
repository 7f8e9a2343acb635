package io.strongroom.loadtest.load;

import java.net.URI;

/**
 * One gateway base URL, split once so that no request parses a URL.
 *
 * @param basePath path prefix without trailing slash ("" for a bare host)
 */
public record Target(String host, int port, boolean ssl, String basePath) {

    /** Parses "http(s)://host[:port][/prefix]". */
    public static Target parse(String url) {
        URI u = URI.create(url);
        boolean ssl = "https".equalsIgnoreCase(u.getScheme());
        if (!ssl && !"http".equalsIgnoreCase(u.getScheme())) {
            throw new IllegalArgumentException("target must be http:// or https://: " + url);
        }
        if (u.getHost() == null) {
            throw new IllegalArgumentException("target has no host: " + url);
        }
        int port = u.getPort() > 0 ? u.getPort() : (ssl ? 443 : 80);
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new Target(u.getHost(), port, ssl, path);
    }

    @Override
    public String toString() {
        return (ssl ? "https://" : "http://") + host + ":" + port + basePath;
    }
}
