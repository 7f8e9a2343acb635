package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import io.strongroom.core.testkit.Await;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Headless Chromium (Debian's {@code chromium}) driven over the DevTools protocol: one page, commands as JSON over
 * a WebSocket (Vert.x's client), on loopback only. Console errors, uncaught exceptions and refused loads (a CSP
 * violation is one) are collected, so a test can assert there were none.
 */
final class HeadlessChromium implements AutoCloseable {
    private final Process process;
    private final WebSocket page;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, Promise<JsonObject>> pending = new ConcurrentHashMap<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();

    private HeadlessChromium(Process process, WebSocket page) {
        this.process = process;
        this.page = page;
    }

    /** Starts Chromium with its profile in {@code profileDir}; fails with what to install when it is missing. */
    static HeadlessChromium start(Vertx vertx, Path profileDir) throws Exception {
        String executable = executable();
        Files.createDirectories(profileDir);
        ProcessBuilder builder = new ProcessBuilder(
                        executable,
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--no-first-run",
                        "--no-default-browser-check",
                        "--disable-extensions",
                        "--disable-background-networking",
                        "--remote-debugging-address=127.0.0.1",
                        "--remote-debugging-port=0",
                        "--user-data-dir=" + profileDir,
                        "--window-size=1400,900",
                        "about:blank")
                .redirectErrorStream(true)
                .redirectOutput(profileDir.resolve("chromium.log").toFile());
        // its singleton socket goes under TMPDIR: inside the profile, it leaves nothing behind in /tmp
        builder.environment().put("TMPDIR", profileDir.toString());
        Process process = builder.start();
        try {
            Path portFile = profileDir.resolve("DevToolsActivePort");
            await().atMost(Await.DEFAULT_TIMEOUT)
                    .until(() -> !process.isAlive() || lines(portFile).size() >= 2);
            if (!process.isAlive()) {
                fail("chromium exited at start-up: " + Files.readString(profileDir.resolve("chromium.log")));
            }
            int port = Integer.parseInt(lines(portFile).get(0).trim());
            String pageUrl = pageWebSocketUrl(vertx, port);
            WebSocket socket = Await.result(vertx.createWebSocketClient(new WebSocketClientOptions()
                            .setMaxFrameSize(64 * 1024 * 1024)
                            .setMaxMessageSize(64 * 1024 * 1024))
                    .connect(new WebSocketConnectOptions().setAbsoluteURI(pageUrl)));
            HeadlessChromium chromium = new HeadlessChromium(process, socket);
            socket.textMessageHandler(chromium::received);
            chromium.call("Runtime.enable", new JsonObject());
            chromium.call("Log.enable", new JsonObject());
            chromium.call("Page.enable", new JsonObject());
            return chromium;
        } catch (Exception | AssertionError e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static String executable() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return fail("headless Chromium is required for this test and was not found on PATH: install Debian's"
                + " 'chromium' package (apt-get install chromium; .ci/run installs it)");
    }

    private static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    /** The DevTools WebSocket of the page Chromium opened (about:blank), from its {@code /json/list}. */
    private static String pageWebSocketUrl(Vertx vertx, int port) {
        HttpClient http = vertx.createHttpClient();
        try {
            JsonArray targets = Await.result(http.request(new RequestOptions()
                            .setMethod(HttpMethod.GET)
                            .setHost("127.0.0.1")
                            .setPort(port)
                            .setURI("/json/list"))
                    .compose(r -> r.send().compose(res -> res.body()))
                    .map(b -> b.toJsonArray()));
            for (Object t : targets) {
                JsonObject target = (JsonObject) t;
                if ("page".equals(target.getString("type"))) {
                    return target.getString("webSocketDebuggerUrl");
                }
            }
            return fail("no page target in " + targets.encode());
        } finally {
            Await.result(http.close());
        }
    }

    private void received(String text) {
        JsonObject message = new JsonObject(text);
        Integer id = message.getInteger("id");
        if (id != null) {
            Promise<JsonObject> promise = pending.remove(id);
            if (promise == null) {
                return;
            }
            if (message.containsKey("error")) {
                promise.fail(message.getJsonObject("error").encode());
            } else {
                promise.complete(message.getJsonObject("result", new JsonObject()));
            }
            return;
        }
        JsonObject params = message.getJsonObject("params", new JsonObject());
        switch (message.getString("method", "")) {
            case "Runtime.exceptionThrown" ->
                errors.add(
                        "exception: " + params.getJsonObject("exceptionDetails").encode());
            case "Runtime.consoleAPICalled" -> {
                if ("error".equals(params.getString("type"))) {
                    errors.add("console.error: " + params.getJsonArray("args").encode());
                }
            }
            case "Log.entryAdded" -> {
                JsonObject entry = params.getJsonObject("entry");
                if ("error".equals(entry.getString("level"))) {
                    errors.add("log: " + entry.getString("text") + " " + entry.getString("url", ""));
                }
            }
            default -> {}
        }
    }

    /** Sends one DevTools command and waits for its result. */
    JsonObject call(String method, JsonObject params) {
        int id = ids.incrementAndGet();
        Promise<JsonObject> promise = Promise.promise();
        pending.put(id, promise);
        page.writeTextMessage(new JsonObject()
                .put("id", id)
                .put("method", method)
                .put("params", params)
                .encode());
        return Await.result(promise.future());
    }

    /** Loads {@code url} and waits until the document and its deferred script have run. */
    void navigate(String url) {
        call("Page.navigate", new JsonObject().put("url", url));
        awaitLoaded();
    }

    /** Waits until the current document has loaded (after a navigation or reload). */
    void awaitLoaded() {
        await().atMost(Await.DEFAULT_TIMEOUT).until(() -> "complete".equals(evaluate("document.readyState")));
    }

    /** Evaluates a JavaScript expression in the page; its value as JSON (a string, number, boolean or null). */
    Object evaluate(String expression) {
        JsonObject result = call(
                "Runtime.evaluate",
                new JsonObject().put("expression", expression).put("returnByValue", true));
        if (result.containsKey("exceptionDetails")) {
            fail("evaluating " + expression + ": "
                    + result.getJsonObject("exceptionDetails").encode());
        }
        return result.getJsonObject("result").getValue("value");
    }

    /** The visible text of the first element matching {@code selector}, "" when none. */
    String text(String selector) {
        Object text = evaluate("(document.querySelector("
                + new JsonArray().add(selector).encode() + "[0]) || {innerText: ''}).innerText");
        return text == null ? "" : text.toString();
    }

    /** Saves a PNG of the whole page. */
    void screenshot(Path file) throws IOException {
        JsonObject shot = call(
                "Page.captureScreenshot", new JsonObject().put("format", "png").put("captureBeyondViewport", true));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(shot.getString("data")));
    }

    /** Console errors, uncaught exceptions and refused loads seen so far. */
    List<String> errors() {
        return new ArrayList<>(errors);
    }

    @Override
    public void close() throws Exception {
        try {
            Await.result(page.close());
        } finally {
            process.destroy();
            if (!process.waitFor(Await.DEFAULT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
