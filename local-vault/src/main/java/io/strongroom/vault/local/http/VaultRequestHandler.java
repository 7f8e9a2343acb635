package io.strongroom.vault.local.http;

import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.audit.AuditLog;
import io.strongroom.vault.local.errors.VaultError;
import io.strongroom.vault.local.faults.FaultInjector;
import io.strongroom.vault.local.identity.TokenRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The vault data plane (/keys, /deletedkeys), in Azure Key Vault's order of checks:
 * resolve the operation → injected faults (when enabled) → bearer token (401 with the challenge
 * Azure sends) → client-address firewall (403 ForbiddenByFirewall) → api-version → access policy
 * (403 AccessDenied) → the operation. Every answer is audited.
 */
public final class VaultRequestHandler implements Handler<RoutingContext> {
    private static final System.Logger LOG = System.getLogger(VaultRequestHandler.class.getName());
    /** 7.x as in the REST reference, or the dated versions newer SDKs send (e.g. 2025-07-01). */
    private static final Pattern API_VERSION =
            Pattern.compile("7\\.\\d+(-preview(\\.\\d+)?)?|20\\d\\d-\\d\\d-\\d\\d(-preview(\\.\\d+)?)?");

    private static final String SERVICE_VERSION = "1.9.0.0";

    private final Vertx vertx;
    private final KeyOperations operations;
    private final TokenRegistry tokens;
    private final FaultInjector faults;
    private final AuditLog audit;
    private final Clock clock;
    private final String region;
    private final String challenge;
    private final Supplier<String> vaultUrl;

    public VaultRequestHandler(Vertx vertx, VaultHttpContext c) {
        this.vertx = vertx;
        this.operations = new KeyOperations(vertx, c.registry(), c.bundles(), c.vaultUrl(), c.allowRsa15());
        this.tokens = c.tokens();
        this.faults = c.faults();
        this.audit = c.audit();
        this.clock = c.clock();
        this.region = c.region();
        this.vaultUrl = c.vaultUrl();
        this.challenge = "Bearer authorization=\"https://login.microsoftonline.com/" + c.tenantId()
                + "\", resource=\"https://vault.azure.net\"";
    }

    @Override
    public void handle(RoutingContext ctx) {
        long start = System.nanoTime();
        HttpServerRequest req = ctx.request();
        ResolvedRequest resolved;
        try {
            resolved = ResolvedRequest.resolve(req.method(), req.path());
        } catch (VaultError e) {
            answer(ctx, start, null, null, e);
            return;
        }
        if (faults == null) {
            authorize(ctx, start, resolved);
            return;
        }
        FaultInjector.Decision d = faults.decide(resolved.operation().auditName);
        if (d.blackhole()) {
            return;
        }
        Runnable next = () -> {
            if (d.error() != null) {
                injected(ctx, start, resolved, d);
            } else {
                authorize(ctx, start, resolved);
            }
        };
        if (d.delayMillis() > 0) {
            vertx.setTimer(d.delayMillis(), id -> next.run());
        } else {
            next.run();
        }
    }

    private void authorize(RoutingContext ctx, long start, ResolvedRequest r) {
        HttpServerRequest req = ctx.request();
        Identity identity;
        try {
            identity = identify(req.getHeader("Authorization"));
            String client = clientAddress(req);
            if (!tokens.policy().firewall().allows(client)) {
                throw VaultError.forbiddenByFirewall(client);
            }
            String apiVersion = req.getParam("api-version");
            if (apiVersion == null || !API_VERSION.matcher(apiVersion).matches()) {
                throw VaultError.badParameter(
                        "The api-version query parameter must be given and be 7.x or a dated version (got "
                                + (apiVersion == null ? "none" : apiVersion) + ").");
            }
            if (!identity.may(r.operation().permission)) {
                throw VaultError.accessDenied(
                        identity.name(), Identity.azureName(r.operation().permission), vaultUrl.get());
            }
        } catch (VaultError e) {
            Identity known = e.status() == 401 ? null : safeIdentify(req.getHeader("Authorization"));
            answer(ctx, start, r, known, e);
            return;
        }
        Future<Reply> result;
        try {
            result = operations.execute(
                    r,
                    ctx.body().buffer(),
                    req.getParam("api-version"),
                    req.getParam("maxresults"),
                    req.getParam("$skiptoken"));
        } catch (RuntimeException e) {
            result = Future.failedFuture(e);
        }
        result.onComplete(ar -> {
            if (ar.succeeded()) {
                reply(ctx, start, r, identity, ar.result());
            } else {
                answer(ctx, start, r, identity, ar.cause());
            }
        });
    }

    private Identity identify(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw VaultError.missingToken();
        }
        if (authorization.length() < 8 || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw VaultError.missingToken();
        }
        Identity identity = tokens.lookup(authorization.substring(7).trim());
        if (identity == null) {
            throw VaultError.invalidToken();
        }
        return identity;
    }

    private Identity safeIdentify(String authorization) {
        try {
            return identify(authorization);
        } catch (VaultError e) {
            return null;
        }
    }

    private void injected(RoutingContext ctx, long start, ResolvedRequest r, FaultInjector.Decision d) {
        int status = d.error().status();
        VaultError e = new VaultError(
                status,
                d.error().code(),
                null,
                status == 429
                        ? "Request was not processed because too many requests were received (injected fault)."
                        : "Injected fault: " + d.error().code() + ".");
        if (d.error().retryAfterSeconds() != null) {
            ctx.response().putHeader("Retry-After", Integer.toString(d.error().retryAfterSeconds()));
        }
        answer(ctx, start, r, null, e);
    }

    private void reply(RoutingContext ctx, long start, ResolvedRequest r, Identity identity, Reply reply) {
        HttpServerResponse resp = headers(ctx);
        if (resp == null) {
            return;
        }
        resp.setStatusCode(reply.status());
        if (reply.body() == null) {
            resp.end();
        } else {
            resp.putHeader("content-type", "application/json; charset=utf-8")
                    .end(reply.body().toBuffer());
        }
        record(ctx, start, r, identity, reply.status(), "OK", reply.keyVersion());
    }

    private void answer(RoutingContext ctx, long start, ResolvedRequest r, Identity identity, Throwable failure) {
        VaultError e;
        if (failure instanceof VaultError ve) {
            e = ve;
        } else {
            LOG.log(
                    System.Logger.Level.ERROR,
                    "vault operation failed: " + failure.getClass().getName()
                            + (r == null ? "" : " during " + r.operation().auditName + " of key " + r.name()));
            e = VaultError.internal();
        }
        HttpServerResponse resp = headers(ctx);
        if (resp == null) {
            return;
        }
        if (e.status() == 401) {
            resp.putHeader("WWW-Authenticate", challenge);
        }
        resp.setStatusCode(e.status())
                .putHeader("content-type", "application/json; charset=utf-8")
                .end(e.toJson().toBuffer());
        record(
                ctx,
                start,
                r,
                identity,
                e.status(),
                e.innerCode() != null ? e.code() + "/" + e.innerCode() : e.code(),
                r == null ? null : r.version());
    }

    /** Common Azure response headers; null when the client has already gone. */
    private HttpServerResponse headers(RoutingContext ctx) {
        HttpServerResponse resp = ctx.response();
        if (resp.ended() || resp.closed()) {
            return null;
        }
        resp.putHeader("x-ms-request-id", UUID.randomUUID().toString())
                .putHeader("x-ms-keyvault-region", region)
                .putHeader("x-ms-keyvault-service-version", SERVICE_VERSION)
                .putHeader("cache-control", "no-cache");
        String clientRequestId = ctx.request().getHeader("x-ms-client-request-id");
        if (clientRequestId != null) {
            resp.putHeader("x-ms-client-request-id", clientRequestId);
        }
        return resp;
    }

    private void record(
            RoutingContext ctx,
            long start,
            ResolvedRequest r,
            Identity identity,
            int status,
            String code,
            String version) {
        double millis = (System.nanoTime() - start) / 1e6;
        audit.record(
                clock.instant(),
                identity == null ? "-" : identity.name(),
                clientAddress(ctx.request()),
                r == null ? ctx.request().method().name() + " " + ctx.request().path() : r.operation().auditName,
                r == null ? null : r.name(),
                version,
                status,
                code,
                millis);
    }

    private static String clientAddress(HttpServerRequest req) {
        return req.remoteAddress() == null ? "" : req.remoteAddress().hostAddress();
    }
}
