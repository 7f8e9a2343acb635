package io.strongroom.server.e2e;

import io.strongroom.core.store.Durability;
import io.strongroom.server.Gateway;
import io.strongroom.server.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * A real gateway for end-to-end tests: embedded local-vault in-process, local files under a temporary
 * directory, an ephemeral port, two event loops, and a JDK HTTP client talking to it.
 */
final class GatewayFixture implements AutoCloseable {
    final Path dataDir;
    final Vertx vertx;
    final Gateway gateway;
    private final HttpClient client;

    private GatewayFixture(Path dataDir, Vertx vertx, Gateway gateway, HttpClient client) {
        this.dataDir = dataDir;
        this.vertx = vertx;
        this.gateway = gateway;
        this.client = client;
    }

    static GatewayConfig config(Path dataDir) {
        return new GatewayConfig()
                .setDataDir(dataDir)
                .setPort(0)
                .setEventLoops(2)
                .setDurability(Durability.NONE);
    }

    static GatewayFixture start(Path dataDir) throws Exception {
        return start(config(dataDir), null, c -> {});
    }

    /** @param ssl the client's TLS context, null for plain HTTP/1.1 */
    static GatewayFixture start(GatewayConfig config, SSLContext ssl, Consumer<HttpClient.Builder> client)
            throws Exception {
        Vertx vertx = Vertx.vertx(Gateway.vertxOptions(config));
        Gateway gateway;
        try {
            gateway = Gateway.start(vertx, config).await(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close().await(10, TimeUnit.SECONDS);
            throw e;
        }
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if (ssl == null) {
            builder.version(HttpClient.Version.HTTP_1_1);
        } else {
            builder.sslContext(ssl).version(HttpClient.Version.HTTP_2);
        }
        client.accept(builder);
        return new GatewayFixture(config.getDataDir(), vertx, gateway, builder.build());
    }

    record Response(int status, byte[] body, HttpHeaders headers, HttpClient.Version version) {
        JsonObject json() {
            return new JsonObject(new String(body, java.nio.charset.StandardCharsets.UTF_8));
        }

        /** The {@code error.code} of a JSON error body. */
        String errorCode() {
            return json().getJsonObject("error").getString("code");
        }
    }

    Response get(String path, String token) throws IOException, InterruptedException {
        return send("GET", path, token, null);
    }

    Response send(String method, String path, String token, byte[] body, String... headers)
            throws IOException, InterruptedException {
        HttpResponse<byte[]> response =
                client.send(request(method, path, token, body, headers), HttpResponse.BodyHandlers.ofByteArray());
        return new Response(response.statusCode(), response.body(), response.headers(), response.version());
    }

    /** The same without waiting: many requests in flight at once (multiplexed on one connection with HTTP/2). */
    CompletableFuture<Response> sendAsync(String method, String path, String token, byte[] body) {
        return client.sendAsync(request(method, path, token, body), HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> new Response(r.statusCode(), r.body(), r.headers(), r.version()));
    }

    private HttpRequest request(String method, String path, String token, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request.build();
    }

    /** Sends {@code request} over a raw socket as ISO-8859-1 bytes and reads until the server closes the connection. */
    String raw(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), gateway.httpPort())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(answer);
            return answer.toString(StandardCharsets.ISO_8859_1);
        }
    }

    Response json(String method, String path, String token, JsonObject body) throws IOException, InterruptedException {
        return send(method, path, token, body.toBuffer().getBytes(), "Content-Type", "application/json");
    }

    /** SHA-256 over the names and contents of every file under the volumes directory. */
    String volumesDigest() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        Path root = dataDir.resolve("volumes");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            digest.update(root.relativize(f).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update(Files.readAllBytes(f));
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public void close() throws TimeoutException {
        try {
            gateway.close().await(60, TimeUnit.SECONDS);
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }
}
