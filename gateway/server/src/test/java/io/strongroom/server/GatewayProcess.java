package io.strongroom.server;

import io.strongroom.core.testkit.ChildJvm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The real gateway ({@link Main}) in a child JVM on the test's class path, listening on an ephemeral port read from
 * its start-up line: for tests that SIGKILL it and start it again over the same data directory. Closing it kills it
 * (a {@link ChildJvm}: no child outlives its test, timeouts included).
 */
public final class GatewayProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://[0-9.:\\[\\]]+)");
    /** Small and quick to start: these children run one after another, many times per test. */
    private static final List<String> JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");

    private final ChildJvm jvm;
    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .build();

    private GatewayProcess(ChildJvm jvm, String baseUrl) {
        this.jvm = jvm;
        this.baseUrl = baseUrl;
    }

    /**
     * Starts the gateway over {@code dataDir} with one event loop and returns once it listens; its output goes to
     * {@code <logDir>/<name>.out} and {@code .err}. Fails, with its log, if it exits instead.
     */
    public static GatewayProcess start(Path dataDir, Path logDir, String name) {
        return start(dataDir, logDir, name, List.of(), Map.of());
    }

    /** As {@link #start(Path, Path, String)}, with more flags and environment variables. */
    public static GatewayProcess start(
            Path dataDir, Path logDir, String name, List<String> flags, Map<String, String> environment) {
        List<String> args =
                new ArrayList<>(List.of("--data-dir", dataDir.toString(), "--port", "0", "--event-loops", "1"));
        args.addAll(flags);
        ChildJvm jvm = ChildJvm.start(name, logDir, JVM_OPTIONS, Main.class, args, environment);
        try {
            return new GatewayProcess(jvm, jvm.awaitOutput(LISTENING).group(1));
        } catch (RuntimeException | Error e) {
            jvm.close();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return baseUrl;
    }

    /**
     * One request with a bearer token and a body (null: none; with POST, JSON), answered within a minute.
     * Throws IOException when no answer comes (the process is gone, or was killed while answering).
     */
    public HttpResponse<byte[]> send(String method, String path, String token, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null && method.equals("POST")) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Its standard error so far (for failure messages). */
    public String log() {
        return jvm.log();
    }

    /** SIGKILL: no shutdown hook, no flush, no close. Returns once the process is gone. */
    public void kill() throws InterruptedException {
        jvm.kill();
    }

    /** SIGTERM: a graceful shutdown (killed if it does not end in time). */
    public void stop() throws InterruptedException {
        jvm.stop();
    }

    @Override
    public void close() {
        jvm.close();
    }
}
