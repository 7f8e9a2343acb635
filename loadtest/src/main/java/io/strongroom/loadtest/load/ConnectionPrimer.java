package io.strongroom.loadtest.load;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the connections and warms the client's code paths before the clock starts, so neither TCP
 * (and TLS) setup nor the JVM's first-request class loading lands in the first measured second or
 * pushes the open model's schedule behind. Uses GET /health/live, which the gateway and the baseline
 * answer without auth; any answer (even an error status) does the job.
 */
final class ConnectionPrimer {

    private static final String PATH = "/health/live";
    private static final int ROUNDS = 3;

    private ConnectionPrimer() {}

    static Future<Void> prime(HttpClient client, List<Target> targets, int connections, long timeoutMillis) {
        Future<Void> chain = Future.succeededFuture();
        for (int round = 0; round < ROUNDS; round++) {
            chain = chain.compose(v -> oneRound(client, targets, connections, timeoutMillis));
        }
        return chain;
    }

    private static Future<Void> oneRound(HttpClient client, List<Target> targets, int connections, long timeoutMillis) {
        List<Future<Void>> all = new ArrayList<>();
        for (Target t : targets) {
            for (int i = 0; i < connections; i++) {
                RequestOptions ro = new RequestOptions()
                        .setMethod(HttpMethod.GET)
                        .setHost(t.host())
                        .setPort(t.port())
                        .setSsl(t.ssl())
                        .setURI(t.basePath() + PATH)
                        .setIdleTimeout(timeoutMillis);
                all.add(client.request(ro)
                        .compose(req -> req.send())
                        .compose(resp -> resp.body())
                        .<Void>mapEmpty()
                        .recover(e -> Future.succeededFuture()));
            }
        }
        return Future.all(all).mapEmpty();
    }
}
