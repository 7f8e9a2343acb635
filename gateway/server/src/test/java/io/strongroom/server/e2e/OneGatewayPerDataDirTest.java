package io.strongroom.server.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.ChildJvm;
import io.strongroom.server.DataDirInUseException;
import io.strongroom.server.Gateway;
import io.strongroom.server.Main;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One gateway per data directory: a second start on a directory in use, in this process or in another, fails at
 * once with one line naming the holder and leaves the first gateway serving; once the first has closed, a new start
 * on the directory succeeds.
 */
class OneGatewayPerDataDirTest {
    private static final long PID = ProcessHandle.current().pid();

    @TempDir
    Path dir;

    @Test
    void aSecondStartInThisProcessFailsNamingTheHolderAndSucceedsOnceTheFirstHasClosed() throws Exception {
        Path data = dir.resolve("data");
        try (GatewayFixture first = GatewayFixture.start(data)) {
            Vertx vertx = Vertx.vertx();
            try {
                DataDirInUseException refused =
                        Await.failure(Gateway.start(vertx, GatewayFixture.config(data)), DataDirInUseException.class);
                assertEquals(
                        "data directory " + data.toRealPath() + " is in use by another gateway (pid " + PID + " on ",
                        refused.getMessage().substring(0, refused.getMessage().indexOf(" on ") + 4));
                assertTrue(refused.getMessage().contains(", in this process)"), refused.getMessage());
            } finally {
                vertx.close().await(30, TimeUnit.SECONDS);
            }
            assertEquals(200, first.get("/health", first.gateway.adminToken()).status(), "the holder still serves");
        }
        try (GatewayFixture next = GatewayFixture.start(data)) {
            assertEquals(200, next.get("/health", next.gateway.adminToken()).status());
        }
    }

    @Test
    void aSecondGatewayProcessExitsNonZeroNamingTheHolder() throws Exception {
        Path data = dir.resolve("data");
        try (GatewayFixture first = GatewayFixture.start(data);
                ChildJvm second = ChildJvm.start(
                        "second-gateway",
                        dir,
                        List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m"),
                        Main.class,
                        List.of("--data-dir", data.toString(), "--port", "0"))) {
            await("the second gateway's exit").atMost(ChildJvm.PATIENCE).until(() -> !second.isAlive());
            assertEquals(1, second.stop(), second.log());
            String expected = "strongroom: data directory " + data.toRealPath() + " is in use by another gateway (pid "
                    + PID + " on ";
            assertTrue(second.log().contains(expected), second.log());
            assertTrue(second.log().contains("; stop it or choose another dataDir\n"), second.log());
            assertEquals(200, first.get("/health", first.gateway.adminToken()).status(), "the holder still serves");
        }
    }
}
