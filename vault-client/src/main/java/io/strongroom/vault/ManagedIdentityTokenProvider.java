package io.strongroom.vault;

import io.strongroom.vault.impl.TokenEndpointClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;

/**
 * Managed identity through an instance-metadata (IMDS) endpoint:
 * {@code GET {endpoint}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=...} with
 * header {@code Metadata: true}, and {@code client_id} for a user-assigned identity. Does not cache:
 * wrap it in a {@link CachingTokenProvider} (the client does so itself).
 */
public final class ManagedIdentityTokenProvider implements TokenProvider {
    /** Azure's instance metadata service. */
    public static final String DEFAULT_ENDPOINT = "http://169.254.169.254";

    public static final String TOKEN_PATH = "/metadata/identity/oauth2/token";
    public static final String API_VERSION = "2018-02-01";

    private final String tokenUrl;
    private final String clientIdOrNull;
    private final TokenEndpointClient http;

    public ManagedIdentityTokenProvider(Vertx vertx, String endpointUrl, String clientIdOrNull) {
        this(vertx, endpointUrl, clientIdOrNull, null);
    }

    /**
     * @param endpointUrl    base URL of the metadata endpoint (the token path is appended unless present)
     * @param clientIdOrNull client id of a user-assigned identity, or null for the system-assigned one
     * @param trustPemOrNull PEM trust for an https endpoint, or null for the JVM's default trust
     */
    public ManagedIdentityTokenProvider(Vertx vertx, String endpointUrl, String clientIdOrNull, String trustPemOrNull) {
        String base = endpointUrl == null ? DEFAULT_ENDPOINT : endpointUrl;
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.tokenUrl = base.endsWith(TOKEN_PATH) ? base : base + TOKEN_PATH;
        this.clientIdOrNull = clientIdOrNull;
        this.http = new TokenEndpointClient(vertx, tokenUrl, trustPemOrNull);
    }

    @Override
    public Future<AccessToken> token(String resource) {
        return http.fetch(HttpMethod.GET, request -> {
            request.putHeader("Metadata", "true")
                    .addQueryParam("api-version", API_VERSION)
                    .addQueryParam("resource", resource);
            if (clientIdOrNull != null) {
                request.addQueryParam("client_id", clientIdOrNull);
            }
            return request.send();
        });
    }

    @Override
    public Future<Void> close() {
        return http.close();
    }

    @Override
    public String toString() {
        return "ManagedIdentityTokenProvider[" + tokenUrl
                + (clientIdOrNull == null ? "" : ", client_id=" + clientIdOrNull) + "]";
    }
}
