package io.strongroom.core.activity;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Alerts POSTed as JSON to one URL, one at a time and in order. A failed delivery (no answer, or a status other
 * than 2xx) is retried with exponential backoff (from {@code initialBackoff}, doubling up to 30 s) up to
 * {@code maxAttempts}; the queue is bounded, the oldest alert giving way when it is full, so a dead receiver costs
 * memory for a few hundred alerts at most. All state is confined to one Vert.x context.
 */
public final class WebhookAlertSink implements AlertSink {
    public static final int DEFAULT_QUEUE_CAPACITY = 256;
    public static final int DEFAULT_MAX_ATTEMPTS = 8;
    private static final long MAX_BACKOFF_MILLIS = 30_000;
    private static final System.Logger LOG = System.getLogger(WebhookAlertSink.class.getName());

    private final Vertx vertx;
    private final Context context;
    private final HttpClient client;
    private final String url;
    private final String shownUrl;
    private final long initialBackoffMillis;
    private final int maxAttempts;
    private final ArrayDeque<JsonObject> queue = new ArrayDeque<>();
    private boolean sending;
    private boolean closed;
    private final AtomicLong undelivered = new AtomicLong();

    public WebhookAlertSink(Vertx vertx, String url, Duration initialBackoff, int maxAttempts) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.url = url;
        this.shownUrl = shown(url);
        this.initialBackoffMillis = Math.max(1, initialBackoff.toMillis());
        this.maxAttempts = maxAttempts;
        this.client = vertx.createHttpClient(
                new HttpClientOptions().setConnectTimeout(5000).setIdleTimeout(30));
    }

    public WebhookAlertSink(Vertx vertx, String url) {
        this(vertx, url, Duration.ofMillis(500), DEFAULT_MAX_ATTEMPTS);
    }

    @Override
    public void send(JsonObject alert) {
        context.runOnContext(v -> {
            if (closed) {
                return;
            }
            if (queue.size() == DEFAULT_QUEUE_CAPACITY) {
                queue.removeFirst();
                LOG.log(
                        Level.WARNING,
                        "webhook {0}: alert queue full, the oldest alert dropped ({1} undelivered so far)",
                        shownUrl,
                        String.valueOf(undelivered.incrementAndGet()));
            }
            queue.addLast(alert);
            if (!sending) {
                deliverNext();
            }
        });
    }

    private void deliverNext() {
        JsonObject alert = queue.pollFirst();
        if (alert == null || closed) {
            sending = false;
            return;
        }
        sending = true;
        attempt(alert, 1);
    }

    private void attempt(JsonObject alert, int attempt) {
        Buffer body = alert.toBuffer();
        client.request(new RequestOptions()
                        .setMethod(HttpMethod.POST)
                        .setAbsoluteURI(url)
                        .setTimeout(10_000))
                .compose(
                        req -> req.putHeader("content-type", "application/json").send(body))
                .compose(resp -> resp.body().map(ignored -> resp.statusCode()))
                .onComplete(ar -> {
                    if (ar.succeeded() && ar.result() / 100 == 2) {
                        deliverNext();
                        return;
                    }
                    String why =
                            ar.succeeded() ? "HTTP " + ar.result() : ar.cause().toString();
                    if (attempt >= maxAttempts || closed) {
                        undelivered.incrementAndGet();
                        LOG.log(
                                Level.WARNING,
                                "webhook {0}: alert not delivered after {1} attempts ({2})",
                                shownUrl,
                                String.valueOf(attempt),
                                why);
                        deliverNext();
                        return;
                    }
                    long delay = Math.min(MAX_BACKOFF_MILLIS, initialBackoffMillis << Math.min(attempt - 1, 20));
                    LOG.log(
                            Level.DEBUG,
                            "webhook {0}: attempt {1} failed ({2}), retrying in {3} ms",
                            shownUrl,
                            String.valueOf(attempt),
                            why,
                            String.valueOf(delay));
                    vertx.setTimer(delay, id -> context.runOnContext(v -> attempt(alert, attempt + 1)));
                });
    }

    @Override
    public long undelivered() {
        return undelivered.get();
    }

    @Override
    public Future<Void> close() {
        context.runOnContext(v -> closed = true);
        return client.close();
    }

    /**
     * The URL as logs show it: scheme, host and port only, because webhook URLs often carry a secret in the path
     * or query (chat-service hooks do).
     */
    private static String shown(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + "/...";
        } catch (IllegalArgumentException e) {
            return "<invalid webhook URL>";
        }
    }

    @Override
    public String toString() {
        return "WebhookAlertSink[" + shownUrl + "]";
    }
}
