package io.strongroom.server.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP conventions of docs/API.md on a real gateway: media types of JSON bodies (415), HEAD and OPTIONS,
 * percent-decoded path segments, a trailing slash, request ids and RFC 9457 problem details.
 */
class HttpConventionsTest {
    private static final int BS = 8192;
    private static final String T = TestTokens.DATA_ALL;
    private static final String A = TestTokens.ADMIN;
    private static final String FORM = "application/x-www-form-urlencoded";

    @TempDir
    static Path dir;

    static GatewayFixture gw;
    static byte[] known;

    @BeforeAll
    static void start() throws Exception {
        TestTokens.write(dir);
        gw = GatewayFixture.start(dir);
        assertEquals(
                201,
                gw.json(
                                "POST",
                                "/v1/volumes",
                                A,
                                new JsonObject().put("name", "v1").put("sizeBytes", 16L * BS))
                        .status());
        known = BlockApiTest.random(BS, 21);
        assertEquals(204, gw.send("PUT", "/v1/volumes/v1/blocks/3", T, known).status());
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aJsonRouteRefusesAnotherMediaTypeAndChangesNothing() throws Exception {
        String before = gw.volumesDigest();
        byte[] create = utf8("{\"name\":\"formed\",\"sizeBytes\":65536}");
        // what curl -d sends
        GatewayFixture.Response form = gw.send("POST", "/v1/volumes", A, create, "Content-Type", FORM);
        assertEquals(415, form.status());
        assertEquals("UnsupportedMediaType", form.errorCode());
        GatewayFixture.Response trim = gw.send(
                "POST", "/v1/volumes/v1/trim", T, utf8("{\"first\":3,\"count\":1}"), "Content-Type", "text/plain");
        assertEquals(415, trim.status());
        assertEquals(404, gw.get("/v1/volumes/formed", A).status());
        assertArrayEquals(known, gw.get("/v1/volumes/v1/blocks/3", T).body());
        assertEquals(before, gw.volumesDigest());

        GatewayFixture.Response typed =
                gw.send("POST", "/v1/volumes", A, create, "Content-Type", "Application/JSON; charset=utf-8");
        assertEquals(201, typed.status());
        assertEquals(204, gw.send("DELETE", "/v1/volumes/formed", A, null).status());
        // no Content-Type at all: read as JSON
        assertEquals(
                201,
                gw.send("POST", "/v1/volumes", A, utf8("{\"name\":\"untyped\",\"sizeBytes\":65536}"))
                        .status());
    }

    /** The README's examples, run as written with curl (its base URL swapped for this gateway's). */
    @Test
    void theReadmeExamplesRunAsWritten() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "..", "README.md"));
        int start = lines.indexOf("    # create a 1 GiB volume of 8 KiB blocks");
        assertTrue(start > 0, "README's example block");
        List<String> script = new ArrayList<>();
        StringBuilder command = new StringBuilder();
        for (int i = start;
                i < lines.size() && (lines.get(i).isEmpty() || lines.get(i).startsWith("    "));
                i++) {
            String line = lines.get(i).strip();
            if (line.endsWith("\\")) {
                command.append(line, 0, line.length() - 1);
                continue;
            }
            script.add(command.append(line).toString().replace("http://127.0.0.1:8080", gw.gateway.baseUrl()));
            command.setLength(0);
        }
        for (String line : script) {
            if (line.contains(" -d '")) {
                assertTrue(line.contains("-H 'Content-Type: application/json'"), "README: " + line);
            }
        }
        Path work = Files.createDirectories(dir.resolve("readme"));
        Path scriptFile = work.resolve("try-it.sh");
        Files.write(scriptFile, script);
        ProcessBuilder bash = new ProcessBuilder("bash", scriptFile.toString())
                .directory(work.toFile())
                .redirectErrorStream(true);
        bash.environment().put("TOKEN", A);
        Process process = bash.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), output);
        assertTrue(output.contains("\"name\":\"db1\""), output);
        assertTrue(output.contains("same bytes"), output);
        assertTrue(output.contains("\"blockSize\":8192"), output);
        assertTrue(!output.contains("\"error\""), output);
    }

    @Test
    void headAnswersWhatGetWouldWithoutTheBody() throws Exception {
        for (String path : new String[] {"/v1/volumes/v1/blocks/3?count=2", "/v1/volumes/v1", "/v1/volumes"}) {
            GatewayFixture.Response get = gw.get(path, A);
            GatewayFixture.Response head = gw.send("HEAD", path, A, null);
            assertEquals(get.status(), head.status(), path);
            assertEquals(0, head.body().length, path);
            assertEquals(
                    get.headers().firstValue("content-type"), head.headers().firstValue("content-type"), path);
            assertEquals(
                    String.valueOf(get.body().length),
                    head.headers().firstValue("content-length").orElseThrow(),
                    path);
        }
        GatewayFixture.Response missing = gw.send("HEAD", "/v1/volumes/nope/blocks/0", T, null);
        assertEquals(404, missing.status());
        assertEquals(0, missing.body().length);
        assertEquals(200, gw.send("HEAD", "/health/live", null, null).status());
    }

    @Test
    void optionsAndMethodNotAllowedListTheMethods() throws Exception {
        GatewayFixture.Response options = gw.send("OPTIONS", "/v1/volumes/v1/blocks/0", null, null);
        assertEquals(204, options.status());
        assertEquals(
                "GET, HEAD, PUT, OPTIONS", options.headers().firstValue("allow").orElseThrow());
        GatewayFixture.Response notAllowed = gw.send("POST", "/v1/volumes/v1", A, null);
        assertEquals(405, notAllowed.status());
        assertEquals("MethodNotAllowed", notAllowed.errorCode());
        assertEquals(
                "GET, HEAD, DELETE, OPTIONS",
                notAllowed.headers().firstValue("allow").orElseThrow());
        assertEquals(404, gw.send("OPTIONS", "/v1/nothing", null, null).status());
    }

    @Test
    void pathSegmentsArePercentDecoded() throws Exception {
        assertArrayEquals(known, gw.get("/v1/volumes/v%31/blocks/%33", T).body());
        GatewayFixture.Response slash = gw.get("/v1/volumes/v1%2Fblocks%2F3", T);
        assertEquals(404, slash.status());
        assertEquals("VolumeNotFound", slash.errorCode());
        String bad = gw.raw("GET /v1/volumes/v%ZZ/blocks/3 HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer " + T
                + "\r\nConnection: close\r\n\r\n");
        assertTrue(bad.startsWith("HTTP/1.1 400 "), bad);
        assertTrue(bad.contains("\"code\":\"InvalidArgument\""), bad);
    }

    @Test
    void aTrailingSlashIsTheSameRoute() throws Exception {
        GatewayFixture.Response slash = gw.get("/v1/volumes/v1/", A);
        assertEquals(200, slash.status());
        assertEquals("v1", slash.json().getString("name"));
        assertEquals(200, gw.get("/v1/volumes/", A).status());
        assertEquals(404, gw.get("/v1/volumes/v1//", A).status());
    }

    @Test
    void everyAnswerCarriesARequestId() throws Exception {
        GatewayFixture.Response ok = gw.send("GET", "/v1/volumes/v1", A, null, "X-Request-Id", "client-id:42");
        assertEquals("client-id:42", ok.headers().firstValue("x-request-id").orElseThrow());
        GatewayFixture.Response error = gw.send("GET", "/v1/volumes/none", A, null, "X-Request-Id", "client-id:43");
        assertEquals("client-id:43", error.headers().firstValue("x-request-id").orElseThrow());
        assertEquals("client-id:43", error.json().getJsonObject("error").getString("requestId"));

        String first = gw.get("/health/live", null)
                .headers()
                .firstValue("x-request-id")
                .orElseThrow();
        String second = gw.get("/health/live", null)
                .headers()
                .firstValue("x-request-id")
                .orElseThrow();
        assertNotEquals(first, second);
        for (String unsafe : new String[] {"has space", "x".repeat(129), "quote\"d"}) {
            String given = gw.send("GET", "/health/live", null, null, "X-Request-Id", unsafe)
                    .headers()
                    .firstValue("x-request-id")
                    .orElseThrow();
            assertNotEquals(unsafe, given);
            assertTrue(given.matches("[0-9a-f]{12}-[0-9a-f]+"), given);
        }
    }

    @Test
    void problemDetailsWhenAsked() throws Exception {
        GatewayFixture.Response problem = gw.send(
                "GET", "/v1/volumes/none", A, null, "Accept", "application/problem+json", "X-Request-Id", "p-1");
        assertEquals(404, problem.status());
        assertEquals(
                "application/problem+json",
                problem.headers().firstValue("content-type").orElseThrow());
        JsonObject body = problem.json();
        assertEquals("urn:strongroom:error:VolumeNotFound", body.getString("type"));
        assertEquals("Volume Not Found", body.getString("title"));
        assertEquals(404, body.getInteger("status"));
        assertEquals("no volume named none", body.getString("detail"));
        assertEquals("VolumeNotFound", body.getString("code"));
        assertEquals("p-1", body.getString("requestId"));

        GatewayFixture.Response plain = gw.send(
                "GET", "/v1/volumes/none", A, null, "Accept", "application/json, application/problem+json;q=0.5");
        assertEquals(
                "application/json", plain.headers().firstValue("content-type").orElseThrow());
        assertEquals("VolumeNotFound", plain.errorCode());
        assertEquals("VolumeNotFound", gw.get("/v1/volumes/none", A).errorCode());
    }
}
