package io.strongroom.http;

import io.strongroom.core.auth.Operation;
import io.strongroom.core.auth.Principal;
import io.strongroom.core.error.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request handler of one HTTP verticle (one event loop): match the route, authenticate, authorize,
 * apply the concurrency limit, hand over to the block or admin routes. Liveness needs no token. It also keeps
 * the {@link ConnectionGuard} of each of its connections: the connection limit at accept, the stream cap and
 * response backpressure per request, the connection timeouts in {@link #sweepConnections}.
 */
final class ApiHandler implements Handler<HttpServerRequest> {
    private static final byte[] LIVE_BODY = "{\"status\":\"UP\"}".getBytes(StandardCharsets.US_ASCII);
    /** HTTP/2 error code REFUSED_STREAM (RFC 9113 section 7): the client may retry the request elsewhere. */
    private static final long REFUSED_STREAM = 0x7;

    final HttpApi api;
    final Context context;
    final Thread loopThread;
    final RequestTimeouts timeouts = new RequestTimeouts();
    private final BlockRoutes blocks;
    private final AdminRoutes admin;
    private final SnapshotRoutes snapshots;
    private final ReplicationRoutes replication;
    private final Map<HttpConnection, ConnectionGuard> guards = new IdentityHashMap<>();
    /** Generated request ids: a random prefix per event loop and a counter, unique without coordination. */
    private final String requestIdPrefix;

    private long requestIds;

    ApiHandler(HttpApi api, Context context, Thread loopThread) {
        this.api = api;
        this.context = context;
        this.loopThread = loopThread;
        this.blocks = new BlockRoutes(api);
        this.admin = new AdminRoutes(api);
        this.snapshots = new SnapshotRoutes(api);
        this.replication = new ReplicationRoutes(api);
        byte[] prefix = new byte[6];
        new SecureRandom().nextBytes(prefix);
        this.requestIdPrefix = HexFormat.of().formatHex(prefix) + "-";
    }

    /** A new request id, for a request that brought none (or none acceptable). */
    String nextRequestId() {
        return requestIdPrefix + Long.toHexString(++requestIds);
    }

    /**
     * A new connection: counted against {@code limits.maxConnections} (closed at once above it), then guarded
     * until it closes. For HTTP/1.x, {@link Http1Intake} joins its pipeline.
     */
    void connected(HttpConnection connection) {
        if (!api.openConnection()) {
            api.countClosed(ConnectionCloseReason.LIMIT);
            connection.close();
            return;
        }
        ConnectionGuard guard = new ConnectionGuard(connection, api, System.nanoTime());
        guards.put(connection, guard);
        Http1Intake.install(connection);
        connection.closeHandler(v -> {
            guards.remove(connection);
            api.connectionClosed();
            guard.closed(new IllegalStateException("connection closed"));
        });
    }

    /** Closes every connection whose header-read, idle or write-stall timeout has passed. */
    void sweepConnections(long nowNanos) {
        List<ConnectionGuard> expired = null;
        for (ConnectionGuard guard : guards.values()) {
            ConnectionCloseReason reason = guard.expired(nowNanos);
            if (reason != null) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(guard);
                api.countClosed(reason);
            }
        }
        if (expired != null) {
            for (ConnectionGuard guard : expired) {
                guards.remove(guard.connection);
                guard.closeNow();
            }
        }
    }

    @Override
    public void handle(HttpServerRequest request) {
        ConnectionGuard guard = guards.get(request.connection());
        if (guard == null) {
            // the connection was closed by the sweep or the limit while this request was on its way
            request.connection().close();
            return;
        }
        if (guard.inFlight() >= api.connectionLimits().maxStreams() && request.version() == HttpVersion.HTTP_2) {
            // HTTP/2 clients may open streams before they acknowledge our SETTINGS, where Netty does not yet
            // enforce SETTINGS_MAX_CONCURRENT_STREAMS: the cap is applied here, from the first stream
            api.countStreamRefused();
            request.response().reset(REFUSED_STREAM);
            return;
        }
        Exchange ex = new Exchange(this, guard, request, System.nanoTime());
        guard.requestStarted();
        if (guard.writeBlocked()) {
            guard.defer(ex);
            return;
        }
        dispatchDeferred(ex);
    }

    /** Handles a request, at once or once its connection's pending answers have drained. */
    void dispatchDeferred(Exchange ex) {
        try {
            dispatch(ex);
        } catch (RuntimeException e) {
            // Nothing below is meant to throw (an unknown volume is a lookup, not an exception): a bug is answered
            // at once with its code instead of leaving the client to the request timeout.
            ex.fail(e);
        }
    }

    private void dispatch(Exchange ex) {
        HttpServerRequest request = ex.request;
        RouteMatcher.Target target = RouteMatcher.match(request.method(), request.path());
        ex.route = target.route();
        if (target == RouteMatcher.Target.UNDECODABLE) {
            ex.error(
                    ErrorCode.InvalidArgument,
                    "the path is not valid percent-encoded UTF-8: every '%' must be followed by two hex digits");
            return;
        }
        if (target.route() == Route.UNMATCHED) {
            if (target.allow() == null) {
                ex.error(ErrorCode.RouteNotFound, "no route " + request.method() + " " + request.path());
            } else if (request.method() == HttpMethod.OPTIONS) {
                ex.options(target.allow());
            } else {
                ex.methodNotAllowed(target.allow());
            }
            return;
        }
        if (target.route() == Route.LIVE) {
            ex.text(HeaderValues.JSON, Buffer.buffer(LIVE_BODY));
            return;
        }
        if (target.route() == Route.OPERATOR_PAGE) {
            OperatorPage.serve(ex, target.block());
            return;
        }
        Principal principal = api.tokens().authenticate(request.getHeader(HeaderValues.AUTHORIZATION));
        if (principal == null) {
            ex.error(ErrorCode.Unauthorized, "a valid bearer token is required (Authorization: Bearer <token>)");
            return;
        }
        if (!authorized(principal, target)) {
            ex.error(
                    ErrorCode.Forbidden,
                    "token '" + principal.name() + "' may not use "
                            + target.route().label()
                            + (target.volume() == null ? "" : " on volume " + target.volume()));
            return;
        }
        if (!ex.admit()) {
            return;
        }
        switch (target.route()) {
            case BLOCK_READ -> blocks.read(ex, target.volume(), target.block());
            case BLOCK_WRITE -> blocks.write(ex, target.volume(), target.block());
            case TRIM -> blocks.trim(ex, target.volume());
            case FLUSH -> blocks.flush(ex, target.volume());
            case HEALTH -> admin.health(ex);
            case METRICS -> admin.metrics(ex);
            case VOLUME_CREATE -> admin.create(ex);
            case VOLUME_LIST -> admin.list(ex);
            case VOLUME_GET -> admin.get(ex, target.volume());
            case VOLUME_DELETE -> admin.delete(ex, target.volume());
            case REVALIDATE -> admin.revalidate(ex, target.volume());
            case KEK_SET -> admin.setKek(ex, target.volume());
            case ROLLOVER -> admin.rollover(ex, target.volume());
            case SNAPSHOT_CREATE -> snapshots.create(ex, target.volume());
            case SNAPSHOT_LIST -> snapshots.list(ex, target.volume());
            case SNAPSHOT_GET -> snapshots.get(ex, target.volume(), target.snapshot());
            case SNAPSHOT_DELETE -> snapshots.delete(ex, target.volume(), target.snapshot());
            case SNAPSHOT_READ -> blocks.readSnapshot(ex, target.volume(), target.snapshot(), target.block());
            case REPLICATION_CYCLE -> replication.startCycle(ex, target.volume(), target.block());
            case REPLICATION_PAGE -> replication.page(ex, target.volume(), target.block(), target.snapshot());
            case REPLICATION_RELEASE -> replication.release(ex, target.volume(), target.block());
            case REPLICA_CREATE -> replication.create(ex);
            case REPLICA_LIST -> replication.list(ex);
            case REPLICA_GET -> replication.get(ex, target.block());
            case REPLICA_DELETE -> replication.delete(ex, target.block());
            case REPLICA_PROMOTE -> replication.promote(ex, target.block());
            case SNAPSHOT_CLONE -> snapshots.clone(ex, target.volume(), target.snapshot());
            case KEK_REVALIDATE -> admin.revalidateKek(ex);
            case ACTIVITY -> admin.activity(ex);
            default -> ex.error(ErrorCode.RouteNotFound, "no route " + request.method() + " " + request.path());
        }
    }

    /** The core rule decides ({@link Principal#may}); the route only names the operation and its volume. */
    private static boolean authorized(Principal principal, RouteMatcher.Target target) {
        Operation operation = target.route().operation();
        return operation != null && principal.may(operation, target.volume());
    }
}
