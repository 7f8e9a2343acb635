package io.strongroom.server.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot routes on a running gateway: a snapshot taken between two acknowledged writes serves the first and
 * not the second; its blocks are read-only (405, nothing written); bad input gets its JSON code and changes nothing.
 */
class SnapshotRoutesTest {
    private static final int BS = 8192;
    private static final String A = TestTokens.ADMIN;
    private static final String D = TestTokens.DATA_ALL;

    @TempDir
    static Path dir;

    static GatewayFixture gw;

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
                                new JsonObject().put("name", "v").put("sizeBytes", 16 * BS))
                        .status());
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    private static byte[] block(int fill, int count) {
        byte[] b = new byte[count * BS];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    private static void assertCode(GatewayFixture.Response r, int status, String code) {
        assertEquals(status, r.status(), () -> new String(r.body()));
        assertEquals(code, r.json().getJsonObject("error").getString("code"));
    }

    @Test
    void aSnapshotHoldsTheWriteBeforeItAndNotTheOneAfter() throws Exception {
        assertEquals(
                204,
                gw.send("PUT", "/v1/volumes/v/blocks/0?count=2", D, block(1, 2)).status());
        GatewayFixture.Response taken =
                gw.json("POST", "/v1/volumes/v/snapshots", A, new JsonObject().put("name", "first"));
        assertEquals(201, taken.status(), () -> new String(taken.body()));
        assertEquals("first", taken.json().getString("name"));
        assertEquals("v", taken.json().getString("volume"));
        assertEquals(
                204, gw.send("PUT", "/v1/volumes/v/blocks/1", D, block(2, 1)).status());

        GatewayFixture.Response snap = gw.send("GET", "/v1/volumes/v/snapshots/first/blocks/0?count=2", D, null);
        assertEquals(200, snap.status());
        assertArrayEquals(block(1, 2), snap.body());
        GatewayFixture.Response live = gw.send("GET", "/v1/volumes/v/blocks/1", D, null);
        assertArrayEquals(block(2, 1), live.body());
        JsonObject listed = gw.send("GET", "/v1/volumes/v/snapshots", D, null).json();
        assertTrue(listed.getJsonArray("snapshots").contains(taken.json()), listed::encode);
    }

    @Test
    void snapshotBlocksAreReadOnlyAndBadInputIsRefusedWithItsCode() throws Exception {
        assertEquals(
                201,
                gw.json("POST", "/v1/volumes/v/snapshots", A, new JsonObject().put("name", "ro"))
                        .status());
        GatewayFixture.Response put = gw.send("PUT", "/v1/volumes/v/snapshots/ro/blocks/0", D, block(9, 1));
        assertCode(put, 405, "MethodNotAllowed");
        assertEquals("GET, HEAD, OPTIONS", put.headers().firstValue("Allow").orElse(null));
        assertArrayEquals(
                new byte[BS],
                gw.send("GET", "/v1/volumes/v/snapshots/ro/blocks/5", D, null).body());

        assertCode(gw.send("GET", "/v1/volumes/v/snapshots/nope", A, null), 404, "SnapshotNotFound");
        assertCode(gw.send("GET", "/v1/volumes/v/snapshots/nope/blocks/0", D, null), 404, "SnapshotNotFound");
        assertCode(gw.send("DELETE", "/v1/volumes/v/snapshots/nope", A, null), 404, "SnapshotNotFound");
        assertCode(gw.send("GET", "/v1/volumes/nope/snapshots", A, null), 404, "VolumeNotFound");
        assertCode(gw.send("GET", "/v1/volumes/v/snapshots/UPPER", A, null), 400, "InvalidArgument");
        assertCode(
                gw.json("POST", "/v1/volumes/v/snapshots", A, new JsonObject().put("name", "a/b")),
                400,
                "InvalidArgument");
        assertCode(
                gw.json("POST", "/v1/volumes/v/snapshots", A, new JsonObject().put("label", "x")),
                400,
                "InvalidArgument");
        assertCode(
                gw.json("POST", "/v1/volumes/v/snapshots", A, new JsonObject().put("name", "ro")),
                409,
                "SnapshotExists");
        assertCode(gw.send("GET", "/v1/volumes/v/snapshots/ro/blocks/16", D, null), 400, "BlockOutOfRange");
        assertCode(gw.send("GET", "/v1/volumes/v/snapshots/ro/blocks/0?count=0", D, null), 400, "InvalidArgument");
        assertCode(gw.send("POST", "/v1/volumes/v/snapshots/ro", A, null), 405, "MethodNotAllowed");
        assertCode(gw.send("GET", "/v1/volumes/v/snapshots/ro/other", A, null), 404, "RouteNotFound");
        assertCode(gw.send("DELETE", "/v1/volumes/v", A, null), 409, "VolumeHasSnapshots");
        assertCode(gw.send("POST", "/v1/volumes/v/snapshots", D, null), 403, "Forbidden");
        assertEquals(200, gw.send("GET", "/v1/volumes/v/snapshots/ro", A, null).status(), "nothing was changed");
    }
}
