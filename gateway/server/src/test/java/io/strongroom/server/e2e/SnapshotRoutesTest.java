package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot routes on a running gateway: a snapshot taken between two acknowledged writes serves the first and
 * not the second; its blocks are read-only (405, nothing written); bad input gets its JSON code and changes nothing.
 * A clone answers 202 in state CLONING, then DONE with the snapshot's blocks (not the parent's later writes) under a
 * DEK of its own, and is written alone; activity events and metrics show it; bad input creates nothing.
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
        // The clones' parent: a snapshot of four blocks, two of them overwritten after it.
        assertEquals(
                201,
                gw.json(
                                "POST",
                                "/v1/volumes",
                                A,
                                new JsonObject().put("name", "p").put("sizeBytes", 64 * BS))
                        .status());
        assertEquals(
                204,
                gw.send("PUT", "/v1/volumes/p/blocks/0?count=4", D, block(1, 4)).status());
        assertEquals(
                201,
                gw.json("POST", "/v1/volumes/p/snapshots", A, new JsonObject().put("name", "s"))
                        .status());
        assertEquals(
                204,
                gw.send("PUT", "/v1/volumes/p/blocks/0?count=2", D, block(2, 2)).status());
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

    private static JsonObject volume(String name) throws Exception {
        GatewayFixture.Response r = gw.send("GET", "/v1/volumes/" + name, A, null);
        assertEquals(200, r.status(), () -> new String(r.body()));
        return r.json();
    }

    @Test
    void aCloneAnswers202ThenServesTheSnapshotUnderItsOwnDek() throws Exception {
        GatewayFixture.Response made =
                gw.json("POST", "/v1/volumes/p/snapshots/s/clone", A, new JsonObject().put("name", "c"));
        assertEquals(202, made.status(), () -> new String(made.body()));
        JsonObject clone = made.json().getJsonObject("clone");
        assertEquals("CLONING", clone.getString("state"));
        assertEquals("p", clone.getString("sourceVolume"));
        assertEquals("s", clone.getString("snapshot"));
        await().atMost(Await.DEFAULT_TIMEOUT)
                .until(() -> "DONE".equals(volume("c").getJsonObject("clone").getString("state")));

        JsonObject c = volume("c");
        JsonObject p = volume("p");
        assertEquals(p.getLong("sizeBytes"), c.getLong("sizeBytes"));
        assertNotEquals(p.getJsonArray("dekIds"), c.getJsonArray("dekIds"));
        GatewayFixture.Response read = gw.send("GET", "/v1/volumes/c/blocks/0?count=5", D, null);
        assertEquals(200, read.status());
        byte[] expected = new byte[5 * BS];
        System.arraycopy(block(1, 4), 0, expected, 0, 4 * BS);
        assertArrayEquals(expected, read.body(), "the snapshot's blocks, not the parent's later writes");

        assertEquals(
                204, gw.send("PUT", "/v1/volumes/c/blocks/1", D, block(7, 1)).status());
        assertArrayEquals(
                block(7, 1), gw.send("GET", "/v1/volumes/c/blocks/1", D, null).body());
        assertArrayEquals(
                block(2, 1), gw.send("GET", "/v1/volumes/p/blocks/1", D, null).body());
        assertArrayEquals(
                block(1, 1),
                gw.send("GET", "/v1/volumes/p/snapshots/s/blocks/1", D, null).body());

        JsonArray events =
                gw.send("GET", "/v1/activity?volume=c", A, null).json().getJsonArray("events");
        List<String> types =
                events.stream().map(e -> ((JsonObject) e).getString("type")).toList();
        assertTrue(types.contains("cloneStarted") && types.contains("cloneFinished"), types::toString);
        String metrics = new String(gw.send("GET", "/metrics", A, null).body());
        assertTrue(metrics.contains("\nstrongroom_clone_blocks_total 4"), "four non-zero blocks re-sealed");
        assertTrue(metrics.contains("\nstrongroom_clones_running 0"), metrics);
    }

    @Test
    void badInputGetsItsCodeAndCreatesNothing() throws Exception {
        int before = gw.send("GET", "/v1/volumes", A, null)
                .json()
                .getJsonArray("volumes")
                .size();
        String path = "/v1/volumes/p/snapshots/s/clone";
        assertCode(
                gw.json("POST", "/v1/volumes/none/snapshots/s/clone", A, new JsonObject().put("name", "x")),
                404,
                "VolumeNotFound");
        assertCode(
                gw.json("POST", "/v1/volumes/p/snapshots/none/clone", A, new JsonObject().put("name", "x")),
                404,
                "SnapshotNotFound");
        assertCode(gw.json("POST", path, A, new JsonObject().put("name", "p")), 409, "VolumeExists");
        assertCode(gw.json("POST", path, A, new JsonObject().put("name", "Bad")), 400, "InvalidArgument");
        assertCode(gw.json("POST", path, A, new JsonObject()), 400, "InvalidArgument");
        assertCode(
                gw.json("POST", path, A, new JsonObject().put("name", "x").put("label", "y")), 400, "InvalidArgument");
        assertCode(
                gw.json("POST", path, A, new JsonObject().put("name", "x").put("sizeBytes", BS)),
                400,
                "InvalidArgument");
        assertCode(
                gw.json("POST", path, A, new JsonObject().put("name", "x").put("kek", "not a url")),
                400,
                "InvalidArgument");
        assertCode(gw.json("POST", path, D, new JsonObject().put("name", "x")), 403, "Forbidden");
        assertCode(gw.send("GET", path, A, null), 405, "MethodNotAllowed");
        assertEquals(
                before,
                gw.send("GET", "/v1/volumes", A, null)
                        .json()
                        .getJsonArray("volumes")
                        .size());
        assertCode(gw.send("GET", "/v1/volumes/x", A, null), 404, "VolumeNotFound");
    }
}
