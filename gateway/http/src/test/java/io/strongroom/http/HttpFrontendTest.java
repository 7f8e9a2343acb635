package io.strongroom.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.auth.Principal;
import io.strongroom.core.auth.Role;
import io.strongroom.core.auth.TokenStore;
import io.strongroom.core.health.HealthReport;
import io.strongroom.core.health.HealthStatus;
import io.strongroom.core.metrics.MetricsRegistry;
import io.strongroom.core.testkit.Await;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP frontend on a real server, over routes that never reach the volume service (none is given): the core
 * authorization rule, the status map with Retry-After, and the health report rendered with its status.
 */
class HttpFrontendTest {
    private static final String ADMIN = "admin-token";
    private static final String DATA_DB1 = "data-db1-token";

    private final AtomicReference<HealthReport> health =
            new AtomicReference<>(new HealthReport(HealthStatus.UP, List.of(), Map.of()));
    private Vertx vertx;
    private HttpApi api;
    private int port;

    @AfterEach
    void stop() {
        if (vertx != null) {
            Await.result(vertx.close());
        }
    }

    private void start(int maxConcurrentRequests, Duration requestTimeout) throws IOException {
        vertx = Vertx.vertx();
        TokenStore tokens = new TokenStore(List.of(
                new TokenStore.Entry(
                        "admin",
                        TokenStore.hashHex(ADMIN),
                        new Principal("admin", Set.of(Role.values()), Set.of(Principal.ALL_VOLUMES))),
                new TokenStore.Entry(
                        "db1", TokenStore.hashHex(DATA_DB1), new Principal("db1", Set.of(Role.DATA), Set.of("db1")))));
        LimitsConfig limits = new LimitsConfig()
                .setMaxConcurrentRequests(maxConcurrentRequests)
                .setRequestTimeout(requestTimeout);
        api = new HttpApi(null, null, tokens, new MetricsRegistry(), health::get, null, limits);
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(port);
        Await.result(vertx.deployVerticle(
                () -> new HttpServerVerticle(api, options, Duration.ofSeconds(1)), new DeploymentOptions()));
    }

    @Test
    void healthRendersTheCoreReportAndDownIs503() throws Exception {
        start(16, Duration.ofSeconds(30));
        Answer up = send("GET /health", ADMIN);
        assertEquals(200, up.status);
        assertEquals("UP", new JsonObject(up.body).getString("status"));

        health.set(new HealthReport(HealthStatus.DOWN, List.of(), Map.of("transport", Map.of("transport", "nio"))));
        Answer down = send("GET /health", DATA_DB1);
        assertEquals(503, down.status, "DOWN is 503 so status-only balancers stop sending traffic");
        JsonObject body = new JsonObject(down.body);
        assertEquals("DOWN", body.getString("status"));
        assertEquals("nio", body.getJsonObject("transport").getString("transport"));
        assertNull(down.header("retry-after"), "a health answer is not an error");
    }

    @Test
    void theCoreRuleDecidesWhoMayUseARoute() throws Exception {
        start(16, Duration.ofSeconds(30));
        assertError(send("GET /v1/volumes", DATA_DB1), 403, "Forbidden");
        assertError(send("GET /v1/volumes/db2", DATA_DB1), 403, "Forbidden");
        assertError(send("POST /v1/volumes/db2/flush", DATA_DB1), 403, "Forbidden");
        assertError(send("GET /v1/activity", DATA_DB1), 403, "Forbidden");
        assertEquals(200, send("GET /metrics", DATA_DB1).status, "metrics: any valid token");
        Answer anonymous = send("GET /health", null);
        assertError(anonymous, 401, "Unauthorized");
        assertEquals("Bearer realm=\"strongroom\"", anonymous.header("www-authenticate"));
    }

    @Test
    void errorsThatCannotBeCuredByWaitingCarryNoRetryAfter() throws Exception {
        start(16, Duration.ofSeconds(30));
        Answer missing = send("GET /v1/nothing", ADMIN);
        assertError(missing, 404, "RouteNotFound");
        assertNull(missing.header("retry-after"));
        Answer badLimit = send("GET /v1/activity?limit=many", ADMIN);
        assertError(badLimit, 400, "InvalidArgument");
        assertTrue(new JsonObject(badLimit.body)
                .getJsonObject("error")
                .getString("message")
                .contains("1..1000"));
    }

    @Test
    void pastTheConcurrencyLimitTheAnswerIs429WithRetryAfter() throws Exception {
        start(1, Duration.ofSeconds(60));
        try (Socket held = open("POST /v1/volumes/db1/trim", DATA_DB1, 40)) {
            held.getOutputStream().write("{\"fi".getBytes(StandardCharsets.US_ASCII));
            held.getOutputStream().flush();
            await().atMost(Duration.ofSeconds(60)).until(() -> api.inFlight() == 1);

            Answer refused = send("GET /health", ADMIN);
            assertError(refused, 429, "TooManyRequests");
            assertEquals("1", refused.header("retry-after"));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> api.inFlight() == 0);
        assertEquals(200, send("GET /health", ADMIN).status, "the closed request's slot is free again");
    }

    @Test
    void aStalledRequestTimesOutWith503AndRetryAfter() throws Exception {
        start(16, Duration.ofSeconds(1));
        try (Socket stalled = open("POST /v1/volumes/db1/trim", DATA_DB1, 40)) {
            stalled.getOutputStream().write("{\"fi".getBytes(StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            Answer answer = Answer.read(stalled.getInputStream());
            assertError(answer, 503, "RequestTimeout");
            assertEquals("1", answer.header("retry-after"));
        }
    }

    private static void assertError(Answer answer, int status, String code) {
        assertEquals(status, answer.status, answer.head);
        JsonObject error = new JsonObject(answer.body).getJsonObject("error");
        assertEquals(code, error.getString("code"));
        assertFalse(error.getString("message").isBlank());
    }

    private Socket open(String methodAndPath, String token, int contentLength) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(60_000);
        String head = methodAndPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + (contentLength < 0 ? "" : "Content-Length: " + contentLength + "\r\n")
                + "\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    private Answer send(String methodAndPath, String token) throws IOException {
        try (Socket socket = open(methodAndPath, token, -1)) {
            return Answer.read(socket.getInputStream());
        }
    }

    /** One HTTP/1.1 response: status, head (lower-case header names) and body (by Content-Length). */
    private record Answer(int status, String head, String body) {
        static Answer read(InputStream in) throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            int headEnd = -1;
            int length = 0;
            while (headEnd < 0 || buf.size() < headEnd + length) {
                int n = in.read(chunk);
                if (n < 0) {
                    throw new IOException("connection closed in the answer: " + buf);
                }
                buf.write(chunk, 0, n);
                String text = buf.toString(StandardCharsets.ISO_8859_1);
                if (headEnd < 0 && text.contains("\r\n\r\n")) {
                    headEnd = text.indexOf("\r\n\r\n") + 4;
                    for (String line : text.substring(0, headEnd).split("\r\n")) {
                        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                            length = Integer.parseInt(
                                    line.substring("content-length:".length()).trim());
                        }
                    }
                }
            }
            String text = buf.toString(StandardCharsets.UTF_8);
            String head = text.substring(0, headEnd);
            return new Answer(Integer.parseInt(head.substring(9, 12)), head, text.substring(headEnd));
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith(name + ":")) {
                    return line.substring(name.length() + 1).trim();
                }
            }
            return null;
        }
    }
}
