package io.strongroom.core.volume;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * A replica's calls to its primary's replication routes (docs/REPLICAS.md, docs/API.md "Replication"). Failures are
 * PrimaryUnreachable (no answer) or PrimaryRefused (an error answer, with the primary's code and message); neither
 * ever carries the token.
 */
final class ReplicationClient {
    private static final long REQUEST_IDLE_MILLIS = 60_000;

    private final HttpClient http;
    private final String primaryUrl;
    private final String primaryVolume;
    private final String stream;
    private final String authorization;

    ReplicationClient(HttpClient http, String primaryUrl, String primaryVolume, String stream, String token) {
        this.http = http;
        this.primaryUrl = primaryUrl.endsWith("/") ? primaryUrl.substring(0, primaryUrl.length() - 1) : primaryUrl;
        this.primaryVolume = primaryVolume;
        this.stream = stream;
        this.authorization = "Bearer " + token;
    }

    private String base() {
        return primaryUrl + "/v1/volumes/" + encode(primaryVolume) + "/replication/" + stream;
    }

    Future<ReplicationCycle> start(@Nullable String applied, boolean fresh, PublicKey recipient) {
        JsonObject body = new JsonObject()
                .put("base", applied)
                .put("fresh", fresh)
                .put("publicKey", Base64.getEncoder().encodeToString(recipient.getEncoded()));
        return call(HttpMethod.POST, base() + "/cycles", body.toBuffer()).map(answer -> {
            try {
                return ReplicationCycle.fromJson(answer.toJsonObject());
            } catch (RuntimeException e) {
                throw refused("the primary's cycle answer is malformed: " + e.getMessage());
            }
        });
    }

    Future<Buffer> page(ReplicationCycle cycle, @Nullable String applied, long from, int max) {
        String uri = base() + "/cycles/" + encode(cycle.cycle()) + "?mode="
                + cycle.mode().name().toLowerCase()
                + "&from=" + from + "&max=" + max
                + (cycle.mode() == ReplicationCycle.Mode.INCREMENTAL ? "&base=" + encode(applied) : "");
        return call(HttpMethod.GET, uri, null);
    }

    Future<Void> release() {
        return call(HttpMethod.DELETE, base(), null).mapEmpty();
    }

    private Future<Buffer> call(HttpMethod method, String uri, @Nullable Buffer body) {
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setAbsoluteURI(uri)
                .setIdleTimeout(REQUEST_IDLE_MILLIS)
                .putHeader("Authorization", authorization);
        if (body != null) {
            options.putHeader("Content-Type", "application/json");
        }
        return http.request(options)
                .compose(req -> body == null ? req.send() : req.send(body))
                .recover(e -> Future.failedFuture(new StrongroomException(
                        ErrorCode.PrimaryUnreachable,
                        "cannot reach the primary at " + primaryUrl + ": " + e.getMessage())))
                .compose(resp -> resp.body().compose(bytes -> answer(resp, bytes)));
    }

    private Future<Buffer> answer(HttpClientResponse resp, Buffer bytes) {
        if (resp.statusCode() / 100 == 2) {
            return Future.succeededFuture(bytes);
        }
        String detail;
        try {
            JsonObject error = bytes.toJsonObject().getJsonObject("error");
            detail = error.getString("code") + ": " + error.getString("message");
        } catch (RuntimeException e) {
            detail = "no JSON error";
        }
        return Future.failedFuture(
                refused("the primary at " + primaryUrl + " answered " + resp.statusCode() + " (" + detail + ")"));
    }

    private static StrongroomException refused(String message) {
        return new StrongroomException(ErrorCode.PrimaryRefused, message);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return "ReplicationClient[" + primaryVolume + " at " + primaryUrl + "]";
    }
}
