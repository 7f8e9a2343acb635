package io.strongroom.http;

import io.vertx.core.http.HttpMethod;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A hand-written matcher for the few routes of API v1: a handful of string comparisons, no regular
 * expressions, no per-route handler chain or routing context, so the block path (the hot one) spends
 * almost nothing on routing. {@code HEAD} matches wherever {@code GET} does; one trailing slash is ignored
 * ({@code /v1/volumes/} is {@code /v1/volumes}); the path is split into segments first and each parameter
 * segment percent-decoded after, so an encoded {@code /} is part of a name and never changes the route.
 */
final class RouteMatcher {
    private static final String VOLUMES = "/v1/volumes";
    private static final String VOLUMES_SLASH = "/v1/volumes/";
    private static final String BLOCKS = "/blocks/";
    private static final String SNAPSHOTS = "/snapshots";
    private static final String REPLICATION = "/replication/";
    private static final String REPLICAS = "/v1/replicas";
    private static final String REPLICAS_SLASH = "/v1/replicas/";
    private static final String CYCLES = "/cycles";
    private static final String CLONE = "/clone";
    private static final String GET = "GET, HEAD, OPTIONS";
    private static final String POST = "POST, OPTIONS";

    /**
     * The outcome of matching: a route with its decoded path parameters, or an unmatched path ({@code allow} null:
     * 404) or a known path with another method ({@code allow} = the methods it has: 405, or the answer to OPTIONS).
     * {@code block} is the block number, or for the operator's page the file name, for the replica routes the
     * replica's name, for the replication routes the stream ({@code snapshot} is then the cycle).
     */
    record Target(Route route, String volume, String block, String allow, String snapshot) {
        static final Target NOT_FOUND = new Target(Route.UNMATCHED, null, null, null, null);
        /** A path parameter that is not valid percent-encoded UTF-8 (400). */
        static final Target UNDECODABLE = new Target(Route.UNMATCHED, null, null, null, null);

        Target(Route route, String volume, String block, String allow) {
            this(route, volume, block, allow, null);
        }
    }

    private static final Target LIVE = new Target(Route.LIVE, null, null, null);
    private static final Target HEALTH = new Target(Route.HEALTH, null, null, null);
    private static final Target METRICS = new Target(Route.METRICS, null, null, null);
    private static final Target VOLUME_CREATE = new Target(Route.VOLUME_CREATE, null, null, null);
    private static final Target VOLUME_LIST = new Target(Route.VOLUME_LIST, null, null, null);
    private static final Target KEK_REVALIDATE = new Target(Route.KEK_REVALIDATE, null, null, null);
    private static final Target ACTIVITY = new Target(Route.ACTIVITY, null, null, null);
    private static final Target REPLICA_CREATE = new Target(Route.REPLICA_CREATE, null, null, null);
    private static final Target REPLICA_LIST = new Target(Route.REPLICA_LIST, null, null, null);

    private RouteMatcher() {}

    static Target match(HttpMethod requested, String rawPath) {
        HttpMethod method = requested == HttpMethod.HEAD ? HttpMethod.GET : requested;
        String path =
                rawPath.length() > 1 && rawPath.endsWith("/") ? rawPath.substring(0, rawPath.length() - 1) : rawPath;
        if (path.startsWith(VOLUMES_SLASH)) {
            return volumeRoute(method, path);
        }
        if (path.startsWith(REPLICAS_SLASH)) {
            return replicaRoute(method, path);
        }
        if (path.equals(OperatorPage.PATH) || path.startsWith(OperatorPage.PATH + "/")) {
            return method == HttpMethod.GET
                    ? new Target(Route.OPERATOR_PAGE, null, path.substring(OperatorPage.PATH.length()), null)
                    : notAllowed(GET);
        }
        switch (path) {
            case VOLUMES:
                return method == HttpMethod.GET
                        ? VOLUME_LIST
                        : method == HttpMethod.POST ? VOLUME_CREATE : notAllowed("GET, HEAD, POST, OPTIONS");
            case "/health/live":
                return method == HttpMethod.GET ? LIVE : notAllowed(GET);
            case "/health":
                return method == HttpMethod.GET ? HEALTH : notAllowed(GET);
            case "/metrics":
                return method == HttpMethod.GET ? METRICS : notAllowed(GET);
            case REPLICAS:
                return method == HttpMethod.GET
                        ? REPLICA_LIST
                        : method == HttpMethod.POST ? REPLICA_CREATE : notAllowed("GET, HEAD, POST, OPTIONS");
            case "/v1/keys/revalidate":
                return method == HttpMethod.POST ? KEK_REVALIDATE : notAllowed(POST);
            case "/v1/activity":
                return method == HttpMethod.GET ? ACTIVITY : notAllowed(GET);
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
                return target(Route.VOLUME_GET, volume, null);
            }
            return method == HttpMethod.DELETE
                    ? target(Route.VOLUME_DELETE, volume, null)
                    : notAllowed("GET, HEAD, DELETE, OPTIONS");
        }
        String volume = path.substring(nameStart, slash);
        if (path.startsWith(BLOCKS, slash)) {
            int blockStart = slash + BLOCKS.length();
            if (path.indexOf('/', blockStart) >= 0) {
                return Target.NOT_FOUND;
            }
            String block = path.substring(blockStart);
            if (method == HttpMethod.GET) {
                return target(Route.BLOCK_READ, volume, block);
            }
            return method == HttpMethod.PUT
                    ? target(Route.BLOCK_WRITE, volume, block)
                    : notAllowed("GET, HEAD, PUT, OPTIONS");
        }
        if (path.startsWith(SNAPSHOTS, slash)
                && (path.length() == slash + SNAPSHOTS.length() || path.charAt(slash + SNAPSHOTS.length()) == '/')) {
            return snapshotRoute(method, path, volume, slash + SNAPSHOTS.length());
        }
        if (path.startsWith(REPLICATION, slash)) {
            return replicationRoute(method, path, volume, slash + REPLICATION.length());
        }
        Route action = switch (path.substring(slash)) {
            case "/kek" -> Route.KEK_SET;
            case "/rollover" -> Route.ROLLOVER;
            case "/trim" -> Route.TRIM;
            case "/flush" -> Route.FLUSH;
            case "/revalidate" -> Route.REVALIDATE;
            default -> null;
        };
        if (action == null) {
            return Target.NOT_FOUND;
        }
        HttpMethod expected = action == Route.KEK_SET ? HttpMethod.PUT : HttpMethod.POST;
        return method == expected ? target(action, volume, null) : notAllowed(expected.name() + ", OPTIONS");
    }

    /**
     * {@code .../snapshots}, {@code .../snapshots/{snapshot}}, {@code .../snapshots/{snapshot}/clone} and
     * {@code .../snapshots/{snapshot}/blocks/{n}}; a
     * snapshot is read-only, so its blocks answer only GET (405 to PUT).
     */
    private static Target snapshotRoute(HttpMethod method, String path, String rawVolume, int at) {
        if (path.length() == at) {
            return method == HttpMethod.GET
                    ? target(Route.SNAPSHOT_LIST, rawVolume, null)
                    : method == HttpMethod.POST
                            ? target(Route.SNAPSHOT_CREATE, rawVolume, null)
                            : notAllowed("GET, HEAD, POST, OPTIONS");
        }
        int nameStart = at + 1;
        int slash = path.indexOf('/', nameStart);
        if (slash == nameStart || path.length() == nameStart) {
            return Target.NOT_FOUND;
        }
        if (slash < 0) {
            String snapshot = path.substring(nameStart);
            return method == HttpMethod.GET
                    ? snapshotTarget(Route.SNAPSHOT_GET, rawVolume, snapshot, null)
                    : method == HttpMethod.DELETE
                            ? snapshotTarget(Route.SNAPSHOT_DELETE, rawVolume, snapshot, null)
                            : notAllowed("GET, HEAD, DELETE, OPTIONS");
        }
        if (path.substring(slash).equals(CLONE)) {
            return method == HttpMethod.POST
                    ? snapshotTarget(Route.SNAPSHOT_CLONE, rawVolume, path.substring(nameStart, slash), null)
                    : notAllowed("POST, OPTIONS");
        }
        if (!path.startsWith(BLOCKS, slash) || path.indexOf('/', slash + BLOCKS.length()) >= 0) {
            return Target.NOT_FOUND;
        }
        return method == HttpMethod.GET
                ? snapshotTarget(
                        Route.SNAPSHOT_READ,
                        rawVolume,
                        path.substring(nameStart, slash),
                        path.substring(slash + BLOCKS.length()))
                : notAllowed(GET);
    }

    /** {@code /v1/replicas/{replica}} and {@code /v1/replicas/{replica}/promote}. */
    private static Target replicaRoute(HttpMethod method, String path) {
        int nameStart = REPLICAS_SLASH.length();
        int slash = path.indexOf('/', nameStart);
        if (slash == nameStart || path.length() == nameStart) {
            return Target.NOT_FOUND;
        }
        if (slash < 0) {
            Route route = method == HttpMethod.GET
                    ? Route.REPLICA_GET
                    : method == HttpMethod.DELETE ? Route.REPLICA_DELETE : null;
            return route == null ? notAllowed("GET, HEAD, DELETE, OPTIONS") : named(route, path.substring(nameStart));
        }
        if (!path.substring(slash).equals("/promote")) {
            return Target.NOT_FOUND;
        }
        return method == HttpMethod.POST
                ? named(Route.REPLICA_PROMOTE, path.substring(nameStart, slash))
                : notAllowed(POST);
    }

    private static Target named(Route route, String raw) {
        String name = decode(raw);
        return name == null ? Target.UNDECODABLE : new Target(route, null, name, null);
    }

    /**
     * {@code .../replication/{stream}} (DELETE), {@code .../replication/{stream}/cycles} (POST) and
     * {@code .../replication/{stream}/cycles/{cycle}} (GET).
     */
    private static Target replicationRoute(HttpMethod method, String path, String rawVolume, int at) {
        int slash = path.indexOf('/', at);
        if (slash == at || path.length() == at) {
            return Target.NOT_FOUND;
        }
        if (slash < 0) {
            return method == HttpMethod.DELETE
                    ? snapshotTarget(Route.REPLICATION_RELEASE, rawVolume, "", path.substring(at))
                    : notAllowed("DELETE, OPTIONS");
        }
        String stream = path.substring(at, slash);
        if (!path.startsWith(CYCLES, slash)) {
            return Target.NOT_FOUND;
        }
        int cycleAt = slash + CYCLES.length();
        if (path.length() == cycleAt) {
            return method == HttpMethod.POST
                    ? snapshotTarget(Route.REPLICATION_CYCLE, rawVolume, "", stream)
                    : notAllowed(POST);
        }
        if (path.charAt(cycleAt) != '/' || path.indexOf('/', cycleAt + 1) >= 0 || path.length() == cycleAt + 1) {
            return Target.NOT_FOUND;
        }
        return method == HttpMethod.GET
                ? snapshotTarget(Route.REPLICATION_PAGE, rawVolume, path.substring(cycleAt + 1), stream)
                : notAllowed(GET);
    }

    private static Target snapshotTarget(Route route, String rawVolume, String rawSnapshot, String rawBlock) {
        Target volume = target(route, rawVolume, rawBlock);
        String snapshot = decode(rawSnapshot);
        if (volume == Target.UNDECODABLE || snapshot == null) {
            return Target.UNDECODABLE;
        }
        return new Target(route, volume.volume(), volume.block(), null, snapshot);
    }

    private static Target target(Route route, String rawVolume, String rawBlock) {
        String volume = decode(rawVolume);
        String block = rawBlock == null ? null : decode(rawBlock);
        if (volume == null || (rawBlock != null && block == null)) {
            return Target.UNDECODABLE;
        }
        return new Target(route, volume, block, null);
    }

    /**
     * A path segment percent-decoded (RFC 3986 2.1; {@code +} stays a plus), or null when an escape is not two hex
     * digits or the bytes are not UTF-8. A segment without {@code %} is returned as is.
     */
    static String decode(String segment) {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteBuffer bytes = ByteBuffer.allocate(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '%') {
                int hi = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(segment.charAt(i + 2), 16);
                if (lo < 0) {
                    return null;
                }
                bytes.put((byte) (hi << 4 | lo));
                i += 2;
            } else if (c <= 0xFF) {
                // the request line's bytes reach us one char per byte (Netty reads it as ISO-8859-1)
                bytes.put((byte) c);
            } else {
                return null;
            }
        }
        bytes.flip();
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static Target notAllowed(String allow) {
        return new Target(Route.UNMATCHED, null, null, allow);
    }
}
