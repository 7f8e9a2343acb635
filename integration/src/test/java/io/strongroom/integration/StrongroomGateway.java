package io.strongroom.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real gateway, started as its shaded jar ({@code java -jar strongroom-gateway.jar}) over a fresh data directory,
 * HTTP and NBD on ephemeral ports it binds itself (read from its start-up line and its log: a port picked free here
 * could be taken by another process before the gateway binds it). Volumes are created
 * over HTTP with the admin token the gateway wrote to {@code credentials.json}. Closing it kills it.
 */
final class StrongroomGateway implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://[0-9.:]+)");
    private static final Pattern NBD_LISTENING = Pattern.compile("NBD on nbd://127\\.0\\.0\\.1:([0-9]+)/");
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final ExternalProcess process;
    private final String httpUrl;
    private final int nbdPort;
    private final String adminToken;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();

    private StrongroomGateway(ExternalProcess process, String httpUrl, int nbdPort, String adminToken) {
        this.process = process;
        this.httpUrl = httpUrl;
        this.nbdPort = nbdPort;
        this.adminToken = adminToken;
    }

    /** Starts the jar named by the {@code strongroom.gatewayJar} system property (set by the module's pom). */
    static StrongroomGateway start(Path dataDir, Path logDir, List<String> extraArgs) {
        Path jar =
                Path.of(System.getProperty("strongroom.gatewayJar", "../gateway/server/target/strongroom-gateway.jar"));
        assertTrue(Files.isRegularFile(jar), "no gateway jar at " + jar + ": build the reactor (mvn install) first");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "--data-dir",
                dataDir.toString(),
                "--port",
                "0",
                "--nbd-port",
                "0"));
        command.addAll(extraArgs);
        ExternalProcess process = ExternalProcess.start("gateway", logDir, command);
        try {
            String url = process.awaitOutput(LISTENING).group(1);
            // The NBD listener's line is logged before the start-up line is printed.
            Matcher nbd = NBD_LISTENING.matcher(process.log());
            assertTrue(nbd.find(), () -> "no NBD listener in the gateway's log:\n" + process.log());
            int nbdPort = Integer.parseInt(nbd.group(1));
            String token = new JsonObject(Files.readString(dataDir.resolve("credentials.json")))
                    .getJsonObject("admin")
                    .getString("token");
            return new StrongroomGateway(process, url, nbdPort, token);
        } catch (IOException e) {
            process.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            process.close();
            throw e;
        }
    }

    /** Creates a volume of {@code sizeBytes} (8 KiB blocks) and returns its NBD URI, {@code nbd://127.0.0.1:port/name}. */
    String createExport(String name, long sizeBytes) {
        JsonObject body = new JsonObject().put("name", name).put("sizeBytes", sizeBytes);
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(httpUrl + "/v1/volumes"))
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
        assertEquals(201, response.statusCode(), () -> "volume " + name + " not created: " + response.body());
        return "nbd://127.0.0.1:" + nbdPort + "/" + name;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(
                    request.timeout(REQUEST_TIMEOUT)
                            .header("Authorization", "Bearer " + adminToken)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * The value of one sample of {@code GET /metrics}, named as the Prometheus text names it (e.g.
     * {@code strongroom_nbd_request_duration_seconds_count{command="flush",result="ok"}}); 0 if it is absent (a
     * series appears with its first observation).
     */
    double metric(String sample) {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(URI.create(httpUrl + "/metrics")).GET());
        assertEquals(200, response.statusCode(), response::body);
        return response.body()
                .lines()
                .filter(line -> line.startsWith(sample + " "))
                .mapToDouble(line ->
                        Double.parseDouble(line.substring(sample.length() + 1).trim()))
                .findFirst()
                .orElse(0);
    }

    @Override
    public void close() {
        process.close();
    }
}
