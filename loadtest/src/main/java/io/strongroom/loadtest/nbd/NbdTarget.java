package io.strongroom.loadtest.nbd;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * One NBD export, from the URI forms of the NBD URI specification that nbdinfo and fio accept:
 * {@code nbd://host[:port]/export} (TCP, port 10809 by default) and {@code nbd+unix:///export?socket=PATH}
 * (a Unix socket). TLS forms ({@code nbds://}) are not supported.
 *
 * @param socketPath the Unix socket, or null for TCP
 */
public record NbdTarget(String host, int port, String socketPath, String export) {

    /** The port NBD servers listen on unless told otherwise. */
    public static final int DEFAULT_PORT = 10809;

    /** True if the URL is meant for this class (so a malformed one gets its error from {@link #parse}). */
    public static boolean isNbd(String url) {
        return url.startsWith("nbd://") || url.startsWith("nbd+unix://") || url.startsWith("nbds");
    }

    public static NbdTarget parse(String url) {
        URI u;
        try {
            u = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("not a URI: " + url);
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        String export = URLDecoder.decode(path.startsWith("/") ? path.substring(1) : path, StandardCharsets.UTF_8);
        switch (scheme) {
            case "nbd" -> {
                if (u.getHost() == null) {
                    throw new IllegalArgumentException("NBD target has no host: " + url);
                }
                return new NbdTarget(u.getHost(), u.getPort() > 0 ? u.getPort() : DEFAULT_PORT, null, export);
            }
            case "nbd+unix" -> {
                String socket = queryParameter(u.getRawQuery(), "socket");
                if (socket == null || socket.isEmpty()) {
                    throw new IllegalArgumentException("nbd+unix target needs ?socket=PATH: " + url);
                }
                return new NbdTarget(null, 0, socket, export);
            }
            default ->
                throw new IllegalArgumentException(
                        "NBD target must be nbd://host:port/export or nbd+unix:///export?socket=PATH (no TLS): " + url);
        }
    }

    private static String queryParameter(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return socketPath == null
                ? "nbd://" + host + ":" + port + "/" + export
                : "nbd+unix:///" + export + "?socket=" + socketPath;
    }
}
