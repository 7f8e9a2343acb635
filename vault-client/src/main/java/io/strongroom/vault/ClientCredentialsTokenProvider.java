package io.strongroom.vault;

import io.strongroom.vault.impl.TokenEndpointClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.util.Objects;

/**
 * OAuth2 client credentials: {@code POST {authority}/{tenant}/oauth2/v2.0/token} with
 * {@code grant_type=client_credentials} and {@code scope=<resource>/.default}. Does not cache: wrap
 * it in a {@link CachingTokenProvider} (the client does so itself).
 */
public final class ClientCredentialsTokenProvider implements TokenProvider {
    public static final String DEFAULT_AUTHORITY = "https://login.microsoftonline.com";

    private final String tokenUrl;
    private final String clientId;
    private final String clientSecret;
    private final TokenEndpointClient http;

    public ClientCredentialsTokenProvider(
            Vertx vertx, String authorityUrl, String tenant, String clientId, String clientSecret) {
        this(vertx, authorityUrl, tenant, clientId, clientSecret, null);
    }

    public ClientCredentialsTokenProvider(
            Vertx vertx,
            String authorityUrl,
            String tenant,
            String clientId,
            String clientSecret,
            String trustPemOrNull) {
        String authority = authorityUrl == null ? DEFAULT_AUTHORITY : authorityUrl;
        authority = authority.endsWith("/") ? authority.substring(0, authority.length() - 1) : authority;
        this.tokenUrl = authority + "/" + Objects.requireNonNull(tenant, "tenant") + "/oauth2/v2.0/token";
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
        this.http = new TokenEndpointClient(vertx, tokenUrl, trustPemOrNull);
    }

    /** {@code https://vault.azure.net} → {@code https://vault.azure.net/.default}. */
    public static String scopeOf(String resource) {
        if (resource.endsWith("/.default")) {
            return resource;
        }
        return (resource.endsWith("/") ? resource.substring(0, resource.length() - 1) : resource) + "/.default";
    }

    @Override
    public Future<AccessToken> token(String resource) {
        MultiMap form = MultiMap.caseInsensitiveMultiMap()
                .add("grant_type", "client_credentials")
                .add("client_id", clientId)
                .add("client_secret", clientSecret)
                .add("scope", scopeOf(resource));
        return http.fetch(HttpMethod.POST, request -> request.sendForm(form));
    }

    @Override
    public Future<Void> close() {
        return http.close();
    }

    @Override
    public String toString() {
        return "ClientCredentialsTokenProvider[" + tokenUrl + ", client_id=" + clientId + "]";
    }
}
