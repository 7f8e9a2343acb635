package io.strongroom.http;

import io.strongroom.core.error.ErrorCode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The operator's page, {@code GET /ops/} with its script, style sheet and icon: static files from the class path, served
 * without a token because they hold no data. The script asks for an admin token and calls the JSON API with it
 * (docs/API.md, "Operator page"). Every answer forbids framing, inline script and any origin but the gateway's.
 */
final class OperatorPage {
    static final String PATH = "/ops";

    private static final CharSequence CSP = HttpHeaders.createOptimized(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
                    + " object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
    private static final CharSequence DENY = HttpHeaders.createOptimized("DENY");
    private static final CharSequence NO_REFERRER = HttpHeaders.createOptimized("no-referrer");

    private record Asset(CharSequence contentType, Buffer body) {}

    /** The rest of the path after {@link #PATH} → asset; the empty rest ({@code /ops}, {@code /ops/}) is the page. */
    private static final Map<String, Asset> ASSETS = Map.of(
            "", load("index.html", "text/html; charset=utf-8"),
            "/app.js", load("app.js", "text/javascript; charset=utf-8"),
            "/app.css", load("app.css", "text/css; charset=utf-8"),
            "/icon.svg", load("icon.svg", "image/svg+xml"));

    private OperatorPage() {}

    static void serve(Exchange ex, String file) {
        Asset asset = ASSETS.get(file);
        if (asset == null) {
            ex.error(ErrorCode.RouteNotFound, "no file " + PATH + file);
            return;
        }
        MultiMap headers = ex.request.response().headers();
        headers.set("content-security-policy", CSP);
        headers.set("x-content-type-options", NOSNIFF);
        headers.set("x-frame-options", DENY);
        headers.set("referrer-policy", NO_REFERRER);
        headers.set(HeaderValues.CACHE_CONTROL, HeaderValues.NO_STORE);
        ex.text(asset.contentType(), asset.body().copy());
    }

    private static Asset load(String name, String contentType) {
        try (InputStream in = OperatorPage.class.getResourceAsStream("ops/" + name)) {
            if (in == null) {
                throw new IllegalStateException("operator page resource missing: " + name);
            }
            return new Asset(HttpHeaders.createOptimized(contentType), Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
