package io.strongroom.http;

import io.vertx.core.http.HttpMethod;

/**
 * A hand-written matcher for the few routes of API v1: a handful of string comparisons, no regular
 * expressions, no per-route handler chain or routing context, so the block path (the hot one) spends
 * almost nothing on routing.
 */
final class RouteMatcher {
    private static final String VOLUMES = "/v1/volumes";
    private static final String VOLUMES_SLASH = "/v1/volumes/";
    private static final String BLOCKS = "/blocks/";

    /**
     * The outcome of matching: a route with its path parameters, or an unmatched path ({@code allow} null:
     * 404) or a known path with another method ({@code allow} = the methods it has: 405).
     */
    record Target(Route route, String volume, String block, String allow) {
        static final Target NOT_FOUND = new Target(Route.UNMATCHED, null, null, null);
    }

    private static final Target LIVE = new Target(Route.LIVE, null, null, null);
    private static final Target HEALTH = new Target(Route.HEALTH, null, null, null);
    private static final Target METRICS = new Target(Route.METRICS, null, null, null);
    private static final Target VOLUME_CREATE = new Target(Route.VOLUME_CREATE, null, null, null);
    private static final Target VOLUME_LIST = new Target(Route.VOLUME_LIST, null, null, null);
    private static final Target KEK_REVALIDATE = new Target(Route.KEK_REVALIDATE, null, null, null);
    private static final Target ACTIVITY = new Target(Route.ACTIVITY, null, null, null);

    private RouteMatcher() {}

    static Target match(HttpMethod method, String path) {
        if (path.startsWith(VOLUMES_SLASH)) {
            return volumeRoute(method, path);
        }
        switch (path) {
            case VOLUMES:
                return method == HttpMethod.GET
                        ? VOLUME_LIST
                        : method == HttpMethod.POST ? VOLUME_CREATE : notAllowed("GET, POST");
            case "/health/live":
                return method == HttpMethod.GET ? LIVE : notAllowed("GET");
            case "/health":
                return method == HttpMethod.GET ? HEALTH : notAllowed("GET");
            case "/metrics":
                return method == HttpMethod.GET ? METRICS : notAllowed("GET");
            case "/v1/keys/revalidate":
                return method == HttpMethod.POST ? KEK_REVALIDATE : notAllowed("POST");
            case "/v1/activity":
                return method == HttpMethod.GET ? ACTIVITY : notAllowed("GET");
            default:
                return Target.NOT_FOUND;
        }
    }

    private static Target volumeRoute(HttpMethod method, String path) {
        int nameStart = VOLUMES_SLASH.length();
        int slash = path.indexOf('/', nameStart);
        if (slash == nameStart || path.length() == nameStart) {
            return Target.NOT_FOUND;
        }
        if (slash < 0) {
            String volume = path.substring(nameStart);
            if (method == HttpMethod.GET) {
                return new Target(Route.VOLUME_GET, volume, null, null);
            }
            return method == HttpMethod.DELETE
                    ? new Target(Route.VOLUME_DELETE, volume, null, null)
                    : notAllowed("GET, DELETE");
        }
        String volume = path.substring(nameStart, slash);
        if (path.startsWith(BLOCKS, slash)) {
            int blockStart = slash + BLOCKS.length();
            if (path.indexOf('/', blockStart) >= 0) {
                return Target.NOT_FOUND;
            }
            String block = path.substring(blockStart);
            if (method == HttpMethod.GET) {
                return new Target(Route.BLOCK_READ, volume, block, null);
            }
            return method == HttpMethod.PUT
                    ? new Target(Route.BLOCK_WRITE, volume, block, null)
                    : notAllowed("GET, PUT");
        }
        if (path.startsWith("/kek", slash) && path.length() == slash + "/kek".length()) {
            return method == HttpMethod.PUT ? new Target(Route.KEK_SET, volume, null, null) : notAllowed("PUT");
        }
        Route action = switch (path.substring(slash)) {
            case "/rollover" -> Route.ROLLOVER;
            case "/trim" -> Route.TRIM;
            case "/flush" -> Route.FLUSH;
            case "/revalidate" -> Route.REVALIDATE;
            default -> null;
        };
        if (action == null) {
            return Target.NOT_FOUND;
        }
        return method == HttpMethod.POST ? new Target(action, volume, null, null) : notAllowed("POST");
    }

    private static Target notAllowed(String allow) {
        return new Target(Route.UNMATCHED, null, null, allow);
    }
}
