package io.strongroom.vault.local.identity;

import io.strongroom.vault.local.Identity;
import io.strongroom.vault.local.LocalVaultOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Token endpoints that issue bearer tokens this vault accepts, so vault-client's providers run
 * unchanged against it:
 * <ul>
 *   <li>managed identity (instance metadata service shape):
 *       {@code GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=...[&client_id=...]}
 *       with header {@code Metadata: true}; values are strings, as IMDS sends them;</li>
 *   <li>OAuth2 client credentials (Entra ID v2 shape): {@code POST /{tenant}/oauth2/v2.0/token}
 *       with form fields grant_type, client_id, client_secret, scope.</li>
 * </ul>
 * Errors use OAuth2's {@code {"error","error_description"}} body, as those services do.
 */
public final class TokenEndpoints {
    public static final String VAULT_RESOURCE = "https://vault.azure.net";

    private final TokenRegistry tokens;
    private final LocalVaultOptions options;

    public TokenEndpoints(TokenRegistry tokens, LocalVaultOptions options) {
        this.tokens = tokens;
        this.options = options;
    }

    public void mount(Router router) {
        if (options.isManagedIdentityEndpoint()) {
            router.get("/metadata/identity/oauth2/token").handler(this::managedIdentity);
        }
        if (options.isClientCredentialsEndpoint()) {
            router.post("/:tenant/oauth2/v2.0/token")
                    .handler(BodyHandler.create().setBodyLimit(16 * 1024))
                    .handler(this::clientCredentials);
        }
    }

    private void managedIdentity(RoutingContext ctx) {
        if (!"true".equalsIgnoreCase(ctx.request().getHeader("Metadata"))) {
            oauthError(ctx, 400, "invalid_request", "Required metadata header not specified");
            return;
        }
        String resource = ctx.request().getParam("resource");
        if (ctx.request().getParam("api-version") == null) {
            oauthError(ctx, 400, "invalid_request", "Required query variable 'api-version' is missing");
            return;
        }
        if (!isVaultResource(resource)) {
            oauthError(ctx, 400, "invalid_resource", "This endpoint issues tokens for " + VAULT_RESOURCE + " only");
            return;
        }
        String clientId = ctx.request().getParam("client_id");
        Identity identity = clientId == null ? systemAssigned() : byClientId(clientId);
        if (identity == null) {
            oauthError(ctx, 400, "invalid_request", "Identity not found");
            return;
        }
        Duration lifetime = options.getIssuedTokenLifetime();
        TokenRegistry.IssuedToken issued = tokens.issue(identity, lifetime);
        JsonObject body = new JsonObject()
                .put("access_token", issued.token())
                .put("refresh_token", "")
                .put("expires_in", Long.toString(lifetime.toSeconds()))
                .put("expires_on", Long.toString(issued.expiresOn().getEpochSecond()))
                .put("not_before", Long.toString(issued.notBefore().getEpochSecond()))
                .put("resource", resource)
                .put("token_type", "Bearer");
        if (identity.clientId() != null) {
            body.put("client_id", identity.clientId());
        }
        send(ctx, 200, body);
    }

    private void clientCredentials(RoutingContext ctx) {
        if (!options.getTenantId().equals(ctx.pathParam("tenant"))) {
            oauthError(ctx, 400, "invalid_request", "AADSTS90002: Tenant '" + ctx.pathParam("tenant") + "' not found.");
            return;
        }
        String grantType = ctx.request().getFormAttribute("grant_type");
        String clientId = ctx.request().getFormAttribute("client_id");
        String secret = ctx.request().getFormAttribute("client_secret");
        String scope = ctx.request().getFormAttribute("scope");
        if (!"client_credentials".equals(grantType)) {
            oauthError(ctx, 400, "unsupported_grant_type", "AADSTS70003: grant_type must be client_credentials");
            return;
        }
        if (clientId == null || secret == null || scope == null) {
            oauthError(ctx, 400, "invalid_request", "AADSTS900144: client_id, client_secret and scope are required");
            return;
        }
        if (!scope.equals(VAULT_RESOURCE + "/.default") && !scope.equals(VAULT_RESOURCE + "//.default")) {
            oauthError(ctx, 400, "invalid_scope", "AADSTS70011: scope must be " + VAULT_RESOURCE + "/.default");
            return;
        }
        Identity identity = byClientId(clientId);
        if (identity == null || !identity.clientSecretMatches(secret)) {
            oauthError(ctx, 401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
            return;
        }
        Duration lifetime = options.getIssuedTokenLifetime();
        TokenRegistry.IssuedToken issued = tokens.issue(identity, lifetime);
        send(
                ctx,
                200,
                new JsonObject()
                        .put("token_type", "Bearer")
                        .put("expires_in", lifetime.toSeconds())
                        .put("ext_expires_in", lifetime.toSeconds())
                        .put("access_token", issued.token()));
    }

    private Identity systemAssigned() {
        Map<String, Identity> all = tokens.policy().identities();
        String name = options.getSystemAssignedIdentity();
        if (name == null) {
            return all.size() == 1 ? all.values().iterator().next() : null;
        }
        return all.values().stream()
                .filter(i -> i.name().equals(name))
                .findFirst()
                .orElse(null);
    }

    private Identity byClientId(String clientId) {
        return tokens.policy().identities().values().stream()
                .filter(i -> Objects.equals(i.clientId(), clientId))
                .findFirst()
                .orElse(null);
    }

    private static boolean isVaultResource(String resource) {
        return VAULT_RESOURCE.equals(resource) || (VAULT_RESOURCE + "/").equals(resource);
    }

    private static void oauthError(RoutingContext ctx, int status, String error, String description) {
        send(
                ctx,
                status,
                new JsonObject()
                        .put("error", error)
                        .put("error_description", description)
                        .put("timestamp", Instant.now().toString()));
    }

    private static void send(RoutingContext ctx, int status, JsonObject body) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("content-type", "application/json; charset=utf-8")
                .putHeader("cache-control", "no-store")
                .end(body.toBuffer());
    }
}
