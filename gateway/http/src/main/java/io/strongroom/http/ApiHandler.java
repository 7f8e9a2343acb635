package io.strongroom.http;

import io.strongroom.core.auth.Operation;
import io.strongroom.core.auth.Principal;
import io.strongroom.core.error.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;

/**
 * The request handler of one HTTP verticle (one event loop): match the route, authenticate, authorize,
 * apply the concurrency limit, hand over to the block or admin routes. Liveness needs no token.
 */
final class ApiHandler implements Handler<HttpServerRequest> {
    private static final byte[] LIVE_BODY = "{\"status\":\"UP\"}".getBytes(StandardCharsets.US_ASCII);

    final HttpApi api;
    final Context context;
    final Thread loopThread;
    final RequestTimeouts timeouts = new RequestTimeouts();
    private final BlockRoutes blocks;
    private final AdminRoutes admin;

    ApiHandler(HttpApi api, Context context, Thread loopThread) {
        this.api = api;
        this.context = context;
        this.loopThread = loopThread;
        this.blocks = new BlockRoutes(api);
        this.admin = new AdminRoutes(api);
    }

    @Override
    public void handle(HttpServerRequest request) {
        Exchange ex = new Exchange(this, request, System.nanoTime());
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
        if (target.route() == Route.UNMATCHED) {
            if (target.allow() != null) {
                ex.methodNotAllowed(target.allow());
            } else {
                ex.error(ErrorCode.RouteNotFound, "no route " + request.method() + " " + request.path());
            }
            return;
        }
        if (target.route() == Route.LIVE) {
            ex.text(HeaderValues.JSON, Buffer.buffer(LIVE_BODY));
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
