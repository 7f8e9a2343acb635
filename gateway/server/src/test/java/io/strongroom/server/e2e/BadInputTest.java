package io.strongroom.server.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strongroom.server.config.GatewayConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input is answered 4xx with its error code, and nothing on disk changes. */
class BadInputTest {
    private static final int BS = 8192;
    private static final int MAX_BODY = 2 * BS;
    private static final String T = TestTokens.DATA_ALL;

    @TempDir
    static Path dir;

    static GatewayFixture gw;
    static byte[] known;

    @BeforeAll
    static void start() throws Exception {
        TestTokens.write(dir);
        GatewayConfig config = GatewayFixture.config(dir);
        config.limits().setMaxBodyBytes(MAX_BODY);
        gw = GatewayFixture.start(config, null, b -> {});
        assertEquals(
                201,
                gw.json(
                                "POST",
                                "/v1/volumes",
                                TestTokens.ADMIN,
                                new JsonObject().put("name", "v").put("sizeBytes", 16L * BS))
                        .status());
        known = BlockApiTest.random(2 * BS, 9);
        assertEquals(
                204, gw.send("PUT", "/v1/volumes/v/blocks/14?count=2", T, known).status());
        assertEquals(204, gw.send("POST", "/v1/volumes/v/flush", T, null).status());
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @Test
    void badInputChangesNothing() throws Exception {
        String before = gw.volumesDigest();
        byte[] block = BlockApiTest.random(BS, 10);

        expect(400, "InvalidAddress", gw.send("PUT", "/v1/volumes/v/blocks/abc", T, block));
        expect(400, "InvalidAddress", gw.send("PUT", "/v1/volumes/v/blocks/-1", T, block));
        expect(400, "InvalidAddress", gw.send("PUT", "/v1/volumes/v/blocks/1.5", T, block));
        expect(400, "InvalidAddress", gw.send("PUT", "/v1/volumes/v/blocks/99999999999999999999", T, block));
        expect(400, "InvalidAddress", gw.get("/v1/volumes/v/blocks/0x10", T));

        expect(400, "BadBodyLength", gw.send("PUT", "/v1/volumes/v/blocks/0", T, new byte[100]));
        expect(400, "BadBodyLength", gw.send("PUT", "/v1/volumes/v/blocks/0", T, new byte[0]));
        expect(400, "BadBodyLength", gw.send("PUT", "/v1/volumes/v/blocks/0", T, new byte[BS + 1]));
        expect(400, "BadBodyLength", gw.send("PUT", "/v1/volumes/v/blocks/0?count=2", T, block));

        expect(400, "BlockOutOfRange", gw.send("PUT", "/v1/volumes/v/blocks/16", T, block));
        expect(
                400,
                "BlockOutOfRange",
                gw.send("PUT", "/v1/volumes/v/blocks/15?count=2", T, BlockApiTest.random(2 * BS, 11)));
        expect(400, "BlockOutOfRange", gw.get("/v1/volumes/v/blocks/16", T));
        expect(400, "BlockOutOfRange", gw.get("/v1/volumes/v/blocks/15?count=2", T));
        expect(
                400,
                "BlockOutOfRange",
                gw.json(
                        "POST",
                        "/v1/volumes/v/trim",
                        T,
                        new JsonObject().put("first", 10).put("count", 7)));

        expect(400, "InvalidArgument", gw.get("/v1/volumes/v/blocks/0?count=0", T));
        expect(400, "InvalidArgument", gw.get("/v1/volumes/v/blocks/0?count=65", T));
        expect(400, "InvalidArgument", gw.get("/v1/volumes/v/blocks/0?count=x", T));
        expect(400, "InvalidArgument", gw.send("POST", "/v1/volumes/v/trim", T, "not json".getBytes()));
        expect(
                400,
                "InvalidArgument",
                gw.json(
                        "POST",
                        "/v1/volumes/v/trim",
                        T,
                        new JsonObject().put("first", -1).put("count", 1)));

        expect(404, "VolumeNotFound", gw.send("PUT", "/v1/volumes/nope/blocks/0", T, block));
        expect(404, "VolumeNotFound", gw.get("/v1/volumes/nope/blocks/0", T));
        expect(404, "VolumeNotFound", gw.send("POST", "/v1/volumes/nope/flush", T, null));

        expect(404, "RouteNotFound", gw.get("/v1/nothing", T));
        expect(404, "RouteNotFound", gw.get("/v1/volumes/v/blocks/0/extra", T));
        expect(404, "RouteNotFound", gw.get("/v1/volumes/v/snapshot", T));
        GatewayFixture.Response wrongMethod = gw.send("POST", "/v1/volumes/v/blocks/0", T, block);
        expect(405, "MethodNotAllowed", wrongMethod);
        assertEquals(
                "GET, HEAD, PUT, OPTIONS",
                wrongMethod.headers().firstValue("allow").orElseThrow());

        expect(
                413,
                "PayloadTooLarge",
                gw.send("PUT", "/v1/volumes/v/blocks/0?count=3", T, BlockApiTest.random(3 * BS, 12)));
        expect(413, "PayloadTooLarge", gw.send("PUT", "/v1/volumes/v/blocks/0", T, new byte[MAX_BODY + 1]));

        expect(
                400,
                "InvalidArgument",
                gw.json(
                        "POST",
                        "/v1/volumes",
                        TestTokens.ADMIN,
                        new JsonObject()
                                .put("name", "w")
                                .put("sizeBytes", 16L * BS)
                                .put("blockSize", 1000)));
        expect(
                400,
                "InvalidArgument",
                gw.json("POST", "/v1/volumes", TestTokens.ADMIN, new JsonObject().put("sizeBytes", BS)));
        expect(
                400,
                "InvalidArgument",
                gw.json(
                        "POST",
                        "/v1/volumes",
                        TestTokens.ADMIN,
                        new JsonObject().put("name", "w").put("sizeBytes", BS + 1)));
        expect(
                400,
                "InvalidArgument",
                gw.json(
                        "POST",
                        "/v1/volumes",
                        TestTokens.ADMIN,
                        new JsonObject().put("name", "w").put("sizeBytes", BS).put("colour", "red")));

        assertEquals(before, gw.volumesDigest(), "bad input must not change any file");
        assertArrayEquals(known, gw.get("/v1/volumes/v/blocks/14?count=2", T).body());
        assertArrayEquals(new byte[BS], gw.get("/v1/volumes/v/blocks/0", T).body());
    }

    private static void expect(int status, String code, GatewayFixture.Response r) {
        assertEquals(status, r.status(), new String(r.body()));
        assertEquals(code, r.errorCode(), new String(r.body()));
        assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
    }
}
