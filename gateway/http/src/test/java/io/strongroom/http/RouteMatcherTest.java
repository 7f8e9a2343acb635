package io.strongroom.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.http.HttpMethod;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteMatcherTest {

    private static RouteMatcher.Target match(HttpMethod m, String path) {
        return RouteMatcher.match(m, path);
    }

    @Test
    void matchesEveryRoute() {
        assertEquals(Route.LIVE, match(HttpMethod.GET, "/health/live").route());
        assertEquals(Route.HEALTH, match(HttpMethod.GET, "/health").route());
        assertEquals(Route.METRICS, match(HttpMethod.GET, "/metrics").route());
        assertEquals(Route.VOLUME_LIST, match(HttpMethod.GET, "/v1/volumes").route());
        assertEquals(Route.VOLUME_CREATE, match(HttpMethod.POST, "/v1/volumes").route());
        RouteMatcher.Target get = match(HttpMethod.GET, "/v1/volumes/db1");
        assertEquals(Route.VOLUME_GET, get.route());
        assertEquals("db1", get.volume());
        assertEquals(
                Route.VOLUME_DELETE, match(HttpMethod.DELETE, "/v1/volumes/db1").route());
        RouteMatcher.Target read = match(HttpMethod.GET, "/v1/volumes/db1/blocks/42");
        assertEquals(Route.BLOCK_READ, read.route());
        assertEquals("db1", read.volume());
        assertEquals("42", read.block());
        assertEquals(
                Route.BLOCK_WRITE,
                match(HttpMethod.PUT, "/v1/volumes/db1/blocks/x").route());
        assertEquals(Route.TRIM, match(HttpMethod.POST, "/v1/volumes/db1/trim").route());
        assertEquals(
                Route.FLUSH, match(HttpMethod.POST, "/v1/volumes/db1/flush").route());
        assertEquals(
                Route.REVALIDATE,
                match(HttpMethod.POST, "/v1/volumes/db1/revalidate").route());
        RouteMatcher.Target page = match(HttpMethod.GET, "/ops/");
        assertEquals(Route.OPERATOR_PAGE, page.route());
        assertEquals("", page.block());
        assertEquals("", match(HttpMethod.GET, "/ops").block());
        assertEquals("/app.js", match(HttpMethod.GET, "/ops/app.js").block());
        assertEquals("GET, HEAD, OPTIONS", match(HttpMethod.POST, "/ops/").allow());
    }

    @Test
    void snapshotRoutesAreReadOnlyWhereTheyServeBlocks() {
        assertEquals(
                Route.SNAPSHOT_LIST,
                match(HttpMethod.GET, "/v1/volumes/db1/snapshots").route());
        assertEquals(
                Route.SNAPSHOT_CREATE,
                match(HttpMethod.POST, "/v1/volumes/db1/snapshots/").route());
        RouteMatcher.Target get = match(HttpMethod.GET, "/v1/volumes/db1/snapshots/nightly%2E1");
        assertEquals(Route.SNAPSHOT_GET, get.route());
        assertEquals("db1", get.volume());
        assertEquals("nightly.1", get.snapshot(), "percent-decoded");
        assertEquals(
                Route.SNAPSHOT_DELETE,
                match(HttpMethod.DELETE, "/v1/volumes/db1/snapshots/s").route());
        RouteMatcher.Target read = match(HttpMethod.HEAD, "/v1/volumes/db1/snapshots/s/blocks/7");
        assertEquals(Route.SNAPSHOT_READ, read.route());
        assertEquals("s", read.snapshot());
        assertEquals("7", read.block());
        assertEquals(
                "GET, HEAD, OPTIONS",
                match(HttpMethod.PUT, "/v1/volumes/db1/snapshots/s/blocks/7").allow());
        assertEquals(
                "GET, HEAD, DELETE, OPTIONS",
                match(HttpMethod.PUT, "/v1/volumes/db1/snapshots/s").allow());
        assertEquals(
                "GET, HEAD, POST, OPTIONS",
                match(HttpMethod.DELETE, "/v1/volumes/db1/snapshots").allow());
        assertSame(RouteMatcher.Target.UNDECODABLE, match(HttpMethod.GET, "/v1/volumes/db1/snapshots/%FF"));
        for (String path : List.of(
                "/v1/volumes/db1/snapshotsx",
                "/v1/volumes/db1/snapshots//blocks/1",
                "/v1/volumes/db1/snapshots/s/blocks",
                "/v1/volumes/db1/snapshots/s/blocks/1/2",
                "/v1/volumes/db1/snapshots/s/trim")) {
            assertSame(RouteMatcher.Target.NOT_FOUND, match(HttpMethod.GET, path), path);
        }
    }

    @Test
    void replicationAndReplicaRoutes() {
        String stream = "/v1/volumes/db1/replication/0b7e5e8e-1d1a-4c55-9a43-0d4e2f7f8a11";
        RouteMatcher.Target cycle = match(HttpMethod.POST, stream + "/cycles");
        assertEquals(Route.REPLICATION_CYCLE, cycle.route());
        assertEquals("db1", cycle.volume());
        assertEquals("0b7e5e8e-1d1a-4c55-9a43-0d4e2f7f8a11", cycle.block(), "the stream");
        RouteMatcher.Target page = match(HttpMethod.GET, stream + "/cycles/repl-x-1");
        assertEquals(Route.REPLICATION_PAGE, page.route());
        assertEquals("repl-x-1", page.snapshot(), "the cycle");
        assertEquals(Route.REPLICATION_RELEASE, match(HttpMethod.DELETE, stream).route());
        assertEquals("POST, OPTIONS", match(HttpMethod.GET, stream + "/cycles").allow());
        assertEquals(
                "GET, HEAD, OPTIONS",
                match(HttpMethod.PUT, stream + "/cycles/c").allow());
        assertEquals("DELETE, OPTIONS", match(HttpMethod.GET, stream).allow());

        assertEquals(Route.REPLICA_LIST, match(HttpMethod.GET, "/v1/replicas").route());
        assertEquals(
                Route.REPLICA_CREATE, match(HttpMethod.POST, "/v1/replicas/").route());
        RouteMatcher.Target get = match(HttpMethod.GET, "/v1/replicas/db1%2Dr");
        assertEquals(Route.REPLICA_GET, get.route());
        assertEquals("db1-r", get.block(), "the replica, percent-decoded");
        assertEquals(
                Route.REPLICA_DELETE, match(HttpMethod.DELETE, "/v1/replicas/r").route());
        assertEquals(
                Route.REPLICA_PROMOTE,
                match(HttpMethod.POST, "/v1/replicas/r/promote").route());
        assertEquals(
                "POST, OPTIONS", match(HttpMethod.GET, "/v1/replicas/r/promote").allow());
        assertEquals(
                "GET, HEAD, DELETE, OPTIONS",
                match(HttpMethod.PUT, "/v1/replicas/r").allow());
        assertSame(RouteMatcher.Target.UNDECODABLE, match(HttpMethod.GET, "/v1/replicas/%FF"));
        for (String path : new String[] {
            "/v1/replicas//promote",
            "/v1/replicas/r/demote",
            "/v1/volumes/db1/replication/",
            stream + "/pages",
            stream + "//cycles",
            stream + "/cycles/c/more"
        }) {
            assertSame(RouteMatcher.Target.NOT_FOUND, match(HttpMethod.GET, path), path);
        }
    }

    @Test
    void unknownPathsAndWrongMethods() {
        for (String path : new String[] {
            "/",
            "/v1",
            "/v1/volumes//",
            "/v1/volumes//blocks/1",
            "/v1/volumes/a/blocks/1/2",
            "/v1/volumes/a/blocks",
            "/v1/volumes/a/other",
            "/health//",
            "/v1/volumes/a/blocks/",
            "/metricsx"
        }) {
            RouteMatcher.Target t = match(HttpMethod.GET, path);
            assertEquals(Route.UNMATCHED, t.route(), path);
            assertNull(t.allow(), path);
        }
        assertEquals(
                "GET, HEAD, PUT, OPTIONS",
                match(HttpMethod.POST, "/v1/volumes/a/blocks/1").allow());
        assertEquals(
                "GET, HEAD, POST, OPTIONS",
                match(HttpMethod.DELETE, "/v1/volumes").allow());
        assertEquals(
                "GET, HEAD, DELETE, OPTIONS",
                match(HttpMethod.PUT, "/v1/volumes/a").allow());
        assertEquals(
                "POST, OPTIONS", match(HttpMethod.GET, "/v1/volumes/a/flush").allow());
        assertEquals(
                "PUT, OPTIONS", match(HttpMethod.OPTIONS, "/v1/volumes/a/kek").allow());
        assertEquals(
                "GET, HEAD, OPTIONS", match(HttpMethod.POST, "/health/live").allow());
    }

    @Test
    void headMatchesWhereGetDoesAndOneTrailingSlashIsIgnored() {
        assertEquals(
                Route.BLOCK_READ,
                match(HttpMethod.HEAD, "/v1/volumes/db1/blocks/4").route());
        assertEquals(Route.METRICS, match(HttpMethod.HEAD, "/metrics").route());
        assertEquals(
                "POST, OPTIONS", match(HttpMethod.HEAD, "/v1/volumes/db1/flush").allow());
        assertEquals(Route.VOLUME_LIST, match(HttpMethod.GET, "/v1/volumes/").route());
        assertEquals(Route.HEALTH, match(HttpMethod.GET, "/health/").route());
        RouteMatcher.Target get = match(HttpMethod.GET, "/v1/volumes/db1/");
        assertEquals(Route.VOLUME_GET, get.route());
        assertEquals("db1", get.volume());
        assertEquals(
                Route.FLUSH, match(HttpMethod.POST, "/v1/volumes/db1/flush/").route());
    }

    @Test
    void pathParametersArePercentDecodedAfterSplitting() {
        RouteMatcher.Target read = match(HttpMethod.GET, "/v1/volumes/db%31/blocks/%34%32");
        assertEquals(Route.BLOCK_READ, read.route());
        assertEquals("db1", read.volume());
        assertEquals("42", read.block());
        // an encoded slash is part of the name, not a separator: still the volume route, a name no volume can have
        RouteMatcher.Target slash = match(HttpMethod.GET, "/v1/volumes/a%2Fblocks%2F1");
        assertEquals(Route.VOLUME_GET, slash.route());
        assertEquals("a/blocks/1", slash.volume());
        assertEquals("caf\u00e9", RouteMatcher.decode("caf%C3%A9"));
        assertEquals("a+b", RouteMatcher.decode("a+b"));
        for (String bad : new String[] {"%", "%4", "%ZZ", "a%g1", "%C3", "%FF"}) {
            assertNull(RouteMatcher.decode(bad), bad);
            assertEquals(
                    RouteMatcher.Target.UNDECODABLE, match(HttpMethod.GET, "/v1/volumes/" + bad + "/blocks/1"), bad);
        }
        assertEquals(RouteMatcher.Target.UNDECODABLE, match(HttpMethod.PUT, "/v1/volumes/v/blocks/%"));
    }

    @Test
    void addressesAreDecimalDigitsOnly() {
        assertEquals(0, BlockRoutes.parseAddress("0"));
        assertEquals(123456789012345678L, BlockRoutes.parseAddress("123456789012345678"));
        for (String bad : new String[] {"", "-1", "+1", "1.0", " 1", "0x1", "1234567890123456789", "１"}) {
            assertEquals(-1, BlockRoutes.parseAddress(bad), bad);
        }
    }
}
