package io.strongroom.vault.local.identity;

import io.strongroom.vault.local.Digests;
import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.audit.AuditLog;
import io.strongroom.vault.local.errors.VaultError;
import io.strongroom.vault.local.http.RequestBodies;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The vault's runtime admin API for its access policy, identities and network rules (Azure's
 * {@code az keyvault set-policy / delete-policy / network-rule}), under {@code /_admin/policy}, mounted only when an
 * admin token is configured. The admin token is not a data-plane identity: it grants no key operation, and no
 * data-plane token opens this API. Like Azure's management plane it is not subject to the vault's network rules, so
 * a wrong rule cannot lock the operator out. Every change is persisted before it takes effect and audited
 * (identity {@code admin}). Bodies and answers never carry a token or a secret, only counts.
 */
public final class PolicyAdminApi {
    private static final String PREFIX = "/_admin/policy";
    private static final Pattern NAME = Pattern.compile("[0-9A-Za-z._@-]{1,128}");
    private static final int MIN_SECRET_LENGTH = 16;

    private final Vertx vertx;
    private final AccessPolicies policies;
    private final byte[] adminTokenDigest;
    private final AuditLog audit;
    private final Clock clock;

    public PolicyAdminApi(Vertx vertx, AccessPolicies policies, String adminToken, AuditLog audit, Clock clock) {
        this.vertx = vertx;
        this.policies = policies;
        this.adminTokenDigest = Digests.sha256(adminToken);
        this.audit = audit;
        this.clock = clock;
    }

    public void mount(Router router) {
        router.route(PREFIX + "*")
                .handler(BodyHandler.create().setBodyLimit(64 * 1024).setHandleFileUploads(false))
                .handler(this::handle);
    }

    /** A resolved admin request: what to audit and the change to apply (null for a read). */
    private record Change(String operation, String identity, UnaryOperator<AccessPolicy> apply, int status) {}

    private void handle(RoutingContext ctx) {
        long start = System.nanoTime();
        Change change;
        try {
            authenticate(ctx.request().getHeader("Authorization"));
            change = resolve(ctx);
        } catch (VaultError e) {
            if (e.status() == 401) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"local-vault-admin\"");
            }
            send(ctx, e.status(), e.toJson());
            record(ctx, start, e.status() == 401 ? "-" : "admin", "policy", null, e.status(), e.code());
            return;
        }
        if (change.apply() == null) {
            send(ctx, 200, policies.current().view());
            record(ctx, start, "admin", change.operation(), null, 200, "OK");
            return;
        }
        vertx.executeBlocking(() -> policies.update(change.apply()), false).onComplete(ar -> {
            if (ar.succeeded()) {
                if (change.status() == 204) {
                    ctx.response().setStatusCode(204).end();
                } else {
                    send(ctx, change.status(), ar.result().view());
                }
                record(ctx, start, "admin", change.operation(), change.identity(), change.status(), "OK");
                return;
            }
            VaultError e = ar.cause() instanceof IllegalArgumentException bad
                    ? new VaultError(409, "Conflict", null, bad.getMessage())
                    : VaultError.internal();
            send(ctx, e.status(), e.toJson());
            record(ctx, start, "admin", change.operation(), change.identity(), e.status(), e.code());
        });
    }

    private void authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new VaultError(401, "Unauthorized", null, "The admin API needs the admin bearer token.");
        }
        if (!MessageDigest.isEqual(
                adminTokenDigest, Digests.sha256(authorization.substring(7).trim()))) {
            throw new VaultError(401, "Unauthorized", null, "The admin bearer token is not valid.");
        }
    }

    private Change resolve(RoutingContext ctx) {
        HttpMethod method = ctx.request().method();
        List<String> parts = new ArrayList<>();
        for (String part : ctx.request().path().substring(PREFIX.length()).split("/")) {
            if (!part.isEmpty()) {
                parts.add(part);
            }
        }
        if (parts.isEmpty()) {
            only(method, HttpMethod.GET);
            return new Change("policy.get", null, null, 200);
        }
        if (parts.size() == 1 && parts.get(0).equals("networkRules")) {
            only(method, HttpMethod.PUT);
            List<String> cidrs = strings(body(ctx), "allowedCidrs", true);
            try {
                policies.current().withAllowedCidrs(cidrs);
            } catch (IllegalArgumentException e) {
                throw VaultError.badParameter(e.getMessage());
            }
            return new Change("policy.setNetworkRules", null, p -> p.withAllowedCidrs(cidrs), 200);
        }
        if (parts.get(0).equals("identities") && (parts.size() == 2 || parts.size() == 3)) {
            String name = parts.get(1);
            if (!NAME.matcher(name).matches()) {
                throw VaultError.badParameter("An identity name must match " + NAME.pattern() + ".");
            }
            if (parts.size() == 3) {
                if (!parts.get(2).equals("keyPermissions")) {
                    throw VaultError.notFoundPath(ctx.request().path());
                }
                only(method, HttpMethod.PUT);
                Set<String> permissions = permissions(body(ctx));
                requireKnown(name);
                return new Change("policy.setPermissions", name, p -> p.withPermissions(name, permissions), 200);
            }
            if (method == HttpMethod.DELETE) {
                requireKnown(name);
                return new Change("policy.deleteIdentity", name, p -> p.withoutIdentity(name), 204);
            }
            only(method, HttpMethod.PUT);
            JsonObject body = body(ctx);
            Set<String> permissions = permissions(body);
            List<String> tokens = strings(body, "tokens", false);
            String clientId = RequestBodies.string(body, "clientId");
            String clientSecret = RequestBodies.string(body, "clientSecret");
            for (String secret : tokens) {
                requireStrong(secret, "a token");
            }
            if (clientSecret != null) {
                requireStrong(clientSecret, "clientSecret");
            }
            Identity identity = new Identity(name, permissions, clientId, clientSecret);
            return new Change("policy.setIdentity", name, p -> p.withIdentity(identity, tokens), 200);
        }
        throw VaultError.notFoundPath(ctx.request().path());
    }

    private void requireKnown(String name) {
        if (policies.current().identity(name) == null) {
            throw new VaultError(404, "NotFound", null, "No identity named " + name + " in the access policy.");
        }
    }

    private static void requireStrong(String secret, String what) {
        if (secret.length() < MIN_SECRET_LENGTH || secret.isBlank()) {
            throw VaultError.badParameter(
                    what + " must have at least " + MIN_SECRET_LENGTH + " characters (use a random value).");
        }
    }

    private static Set<String> permissions(JsonObject body) {
        Set<String> permissions = new LinkedHashSet<>(strings(body, "keyPermissions", true));
        try {
            new Identity("check", permissions);
        } catch (IllegalArgumentException e) {
            throw VaultError.badParameter(e.getMessage() + " (Azure's key permission names, or all).");
        }
        return permissions;
    }

    private static JsonObject body(RoutingContext ctx) {
        return RequestBodies.json(ctx.body().buffer());
    }

    private static List<String> strings(JsonObject body, String field, boolean required) {
        Object value = body.getValue(field);
        if (value == null) {
            if (required) {
                throw VaultError.badParameter(field + " (an array of strings) is required.");
            }
            return List.of();
        }
        if (!(value instanceof JsonArray array)) {
            throw VaultError.badParameter(field + " must be an array of strings.");
        }
        List<String> out = new ArrayList<>();
        for (Object o : array) {
            if (!(o instanceof String s)) {
                throw VaultError.badParameter(field + " must be an array of strings.");
            }
            out.add(s);
        }
        return out;
    }

    private static void only(HttpMethod actual, HttpMethod expected) {
        if (actual != expected) {
            throw VaultError.methodNotAllowed(actual.name(), PREFIX);
        }
    }

    private void record(
            RoutingContext ctx, long start, String caller, String operation, String identity, int status, String code) {
        audit.record(
                clock.instant(),
                caller,
                ctx.request().remoteAddress() == null
                        ? ""
                        : ctx.request().remoteAddress().hostAddress(),
                operation,
                identity,
                null,
                status,
                code,
                (System.nanoTime() - start) / 1e6);
    }

    private static void send(RoutingContext ctx, int status, JsonObject body) {
        if (!ctx.response().ended()) {
            ctx.response()
                    .setStatusCode(status)
                    .putHeader("content-type", "application/json; charset=utf-8")
                    .putHeader("cache-control", "no-store")
                    .end(body.toBuffer());
        }
    }
}
