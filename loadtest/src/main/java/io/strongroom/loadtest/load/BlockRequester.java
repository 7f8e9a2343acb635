package io.strongroom.loadtest.load;

import io.strongroom.loadtest.measure.LatencyRecorders;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends one block request and records its outcome. Called on a client event loop; the returned
 * future always succeeds (failures are recorded, not propagated) so drivers can simply chain.
 */
public final class BlockRequester implements RequestSender {

    private static final CharSequence OCTET_STREAM = HttpHeaders.createOptimized("application/octet-stream");

    private final HttpClient client;
    private final Target[] targets;
    private final Workload workload;
    private final CharSequence authorization;
    private final long timeoutMillis;
    private final AtomicInteger nextTarget = new AtomicInteger();
    private final AtomicLong inFlight = new AtomicLong();

    public BlockRequester(
            HttpClient client, List<Target> targets, Workload workload, String tokenOrNull, long timeoutMillis) {
        this.client = client;
        this.targets = targets.toArray(new Target[0]);
        this.workload = workload;
        this.authorization = tokenOrNull == null ? null : HttpHeaders.createOptimized("Bearer " + tokenOrNull);
        this.timeoutMillis = timeoutMillis;
    }

    /** Requests issued and not yet answered (or failed). */
    public long inFlight() {
        return inFlight.get();
    }

    /**
     * Issues the next request of the workload.
     *
     * @param intendedNanos when the schedule wanted it sent ({@link System#nanoTime()}); the corrected
     *                      latency is measured from here
     * @param phase         where the outcome is recorded: the warm-up's or the measured window's
     */
    @Override
    public Future<Void> send(long intendedNanos, SplittableRandom rnd, LatencyRecorders.Phase phase) {
        boolean read = workload.nextIsRead(rnd);
        int volume = workload.nextVolume(rnd);
        long block = workload.nextBlock(volume, rnd);
        Target t =
                targets.length == 1 ? targets[0] : targets[Math.floorMod(nextTarget.getAndIncrement(), targets.length)];
        RequestOptions ro = new RequestOptions()
                .setMethod(read ? HttpMethod.GET : HttpMethod.PUT)
                .setHost(t.host())
                .setPort(t.port())
                .setSsl(t.ssl())
                .setURI(t.basePath() + workload.path(volume, block))
                .setIdleTimeout(timeoutMillis);
        Buffer body = read ? null : workload.payload(volume, block);
        Promise<Void> done = Promise.promise();
        inFlight.incrementAndGet();
        client.request(ro).onComplete(ar -> {
            if (ar.failed()) {
                fail(ar.cause(), phase, done);
                return;
            }
            HttpClientRequest req = ar.result();
            if (authorization != null) {
                req.putHeader(HttpHeaders.AUTHORIZATION, authorization);
            }
            long sentNanos = System.nanoTime();
            Future<HttpClientResponse> response;
            if (body == null) {
                response = req.send();
            } else {
                req.putHeader(HttpHeaders.CONTENT_TYPE, OCTET_STREAM);
                phase.bytesOut(body.length());
                response = req.send(body);
            }
            response.onComplete(rar -> {
                if (rar.failed()) {
                    fail(rar.cause(), phase, done);
                    return;
                }
                HttpClientResponse resp = rar.result();
                resp.handler(b -> phase.bytesIn(b.length()));
                resp.end().onComplete(end -> {
                    long now = System.nanoTime();
                    if (end.failed()) {
                        phase.failure(end.cause());
                    } else {
                        phase.response(resp.statusCode(), intendedNanos, sentNanos, now);
                    }
                    // after recording, so a drain that sees zero in flight has every value in the recorders
                    inFlight.decrementAndGet();
                    done.complete();
                });
            });
        });
        return done.future();
    }

    private void fail(Throwable cause, LatencyRecorders.Phase phase, Promise<Void> done) {
        phase.failure(cause);
        inFlight.decrementAndGet();
        done.complete();
    }
}
