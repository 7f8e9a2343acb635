package io.strongroom.core.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.activity.ActivityEvent;
import io.strongroom.core.activity.ActivityType;
import io.strongroom.core.activity.JsonLinesActivityLog;
import io.strongroom.core.activity.WebhookAlertSink;
import io.strongroom.core.testkit.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The activity log file and ring, and the webhook sink's retries, against real files and a real HTTP listener. */
class ActivityAndAlertsTest {
    static final Instant T0 = Instant.parse("2026-11-28T07:00:00Z");

    @TempDir
    Path tmp;

    @Test
    void eventsAreAppendedAsJsonLinesAndTheRingSurvivesARestart() throws Exception {
        Path file = tmp.resolve("activity.log");
        JsonLinesActivityLog log = JsonLinesActivityLog.open(file);
        for (int i = 0; i < 5; i++) {
            log.record(ActivityEvent.of(ActivityType.UNWRAP, T0.plusSeconds(i))
                    .identity("default")
                    .kek("https://vault.example/keys/k" + (i % 2) + "/v" + i)
                    .volume("vol" + (i % 2))
                    .latencyNanos(1_500_000)
                    .build());
        }
        Await.result(log.close());
        List<String> lines = Files.readAllLines(file);
        assertEquals(5, lines.size());
        JsonObject first = new JsonObject(lines.get(0));
        assertEquals("unwrap", first.getString("type"));
        assertEquals("https://vault.example/keys/k0", first.getString("kek"));
        assertEquals("v0", first.getString("kekVersion"));
        assertEquals(1.5, first.getDouble("latencyMs"));

        JsonLinesActivityLog reopened = JsonLinesActivityLog.open(file);
        reopened.record(ActivityEvent.of(ActivityType.PROBE, T0.plusSeconds(9))
                .ok(false)
                .cause("throttled")
                .kek("https://vault.example/keys/k1")
                .volume("vol1")
                .build());
        Await.result(reopened.close()); // the writer reads the old tail before it writes
        List<ActivityEvent> k1 = reopened.recent(null, "https://vault.example/keys/k1", 10);
        assertEquals(
                List.of(T0.plusSeconds(9), T0.plusSeconds(3), T0.plusSeconds(1)),
                k1.stream().map(ActivityEvent::time).toList(),
                "newest first, old events from the file");
        assertEquals(2, reopened.recent("vol0", null, 2).size(), "limit applies");
        assertEquals(
                1, reopened.recent(null, "https://vault.example/keys/k0/v2", 10).size(), "versioned filter");
        assertEquals(6, Files.readAllLines(file).size());
        assertEquals(0, reopened.dropped());

        reopened.record(ActivityEvent.of(ActivityType.PROBE, T0.plusSeconds(10))
                .ok(true)
                .build());
        assertEquals(1, reopened.dropped(), "an event recorded after close is counted, not written");
        assertEquals(6, Files.readAllLines(file).size());
    }

    @Test
    void aWebhookIsRetriedWithBackoffThenGivesUpAndDeliversTheNext() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            AtomicInteger calls = new AtomicInteger();
            BlockingQueue<String> accepted = new LinkedBlockingQueue<>();
            HttpServer server = Await.result(vertx.createHttpServer()
                    .requestHandler(req -> req.body().onSuccess(b -> {
                        calls.incrementAndGet();
                        JsonObject alert = b.toJsonObject();
                        if (alert.getString("alert").equals("never")) {
                            req.response().setStatusCode(503).end();
                        } else {
                            accepted.add(alert.getString("alert"));
                            req.response().setStatusCode(200).end();
                        }
                    }))
                    .listen(0, "127.0.0.1"));
            WebhookAlertSink sink = new WebhookAlertSink(
                    vertx, "http://127.0.0.1:" + server.actualPort() + "/hook", Duration.ofMillis(20), 3);
            long started = System.nanoTime();
            sink.send(new JsonObject().put("alert", "never"));
            sink.send(new JsonObject().put("alert", "next"));
            assertEquals("next", accepted.poll(Await.DEFAULT_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(4, calls.get(), "three attempts for the refused alert, then the next one");
            assertTrue(millis >= 60, "backoff 20 + 40 ms between attempts, took " + millis + " ms");
            assertEquals(1, sink.undelivered(), "the refused alert is counted as undelivered");
            Await.result(sink.close());
        } finally {
            Await.result(vertx.close());
        }
    }
}
