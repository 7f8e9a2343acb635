package io.strongroom.vault.impl;

import io.strongroom.vault.AccessToken;
import io.strongroom.vault.KeyVaultException;
import io.strongroom.vault.VaultErrorClass;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The HTTP side of the token providers: sends a request to an OAuth2/IMDS token endpoint and turns
 * the answer into an {@link AccessToken} or a classified failure (4xx → UNAUTHORIZED; 408, 429, 5xx,
 * connect errors → UNAVAILABLE). Error texts carry the endpoint's error code, never a secret.
 */
public final class TokenEndpointClient {
    public static final long DEFAULT_TIMEOUT_MILLIS = 5_000;

    private final HttpClient http;
    private final WebClient client;
    private final String url;
    private final String host;
    private final int port;
    private final boolean ssl;
    private final String pathAndQuery;
    private final Clock clock;

    public TokenEndpointClient(Vertx vertx, String url, String trustPemOrNull) {
        URI uri = URI.create(url);
        this.url = url;
        this.ssl = "https".equalsIgnoreCase(uri.getScheme());
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : (ssl ? 443 : 80);
        this.pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        WebClientOptions options = HttpClients.base(HttpClients.chooseEngine(true), trustPemOrNull, true);
        options.setConnectTimeout((int) DEFAULT_TIMEOUT_MILLIS)
                .setSslHandshakeTimeout(DEFAULT_TIMEOUT_MILLIS)
                .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
        this.http = vertx.createHttpClient(options);
        this.client = WebClient.wrap(http, options);
        this.clock = Clock.systemUTC();
    }

    public Future<AccessToken> fetch(
            HttpMethod method, Function<HttpRequest<Buffer>, Future<HttpResponse<Buffer>>> send) {
        HttpRequest<Buffer> request = client.request(method, port, host, pathAndQuery)
                .ssl(ssl)
                .idleTimeout(DEFAULT_TIMEOUT_MILLIS)
                .putHeader("Accept", "application/json");
        return send.apply(request).transform(ar -> {
            if (ar.failed()) {
                return Future.failedFuture(new KeyVaultException(
                        VaultErrorClass.UNAVAILABLE,
                        "token endpoint unreachable: " + ar.cause().getClass().getSimpleName(),
                        url,
                        ar.cause()));
            }
            return parse(ar.result());
        });
    }

    private Future<AccessToken> parse(HttpResponse<Buffer> response) {
        int status = response.statusCode();
        JsonObject body = json(response.body());
        if (status / 100 != 2) {
            VaultErrorClass cls = status == 408 || status == 429 || status >= 500
                    ? VaultErrorClass.UNAVAILABLE
                    : VaultErrorClass.UNAUTHORIZED;
            String code = body == null ? null : stringOrNull(body.getValue("error"));
            String description = body == null ? null : body.getString("error_description");
            return Future.failedFuture(new KeyVaultException(
                    cls,
                    status,
                    code,
                    null,
                    "token endpoint refused" + (description == null ? "" : ": " + description),
                    url,
                    RetryAfter.parse(response.getHeader("Retry-After"), clock.instant()),
                    null));
        }
        try {
            return Future.succeededFuture(TokenResponses.parse(body, clock.instant()));
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new KeyVaultException(
                    VaultErrorClass.UNAUTHORIZED,
                    status,
                    null,
                    null,
                    "bad token response: " + e.getMessage(),
                    url,
                    null,
                    null));
        }
    }

    private static JsonObject json(Buffer body) {
        if (body == null || body.length() == 0) {
            return null;
        }
        try {
            return new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }

    private static String stringOrNull(Object value) {
        return value instanceof String s ? s : null;
    }

    public Future<Void> close() {
        return http.close();
    }
}
