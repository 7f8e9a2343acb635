package io.strongroom.core.volume;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.strongroom.core.embed.Strongroom;
import io.strongroom.core.embed.VolumeHandle;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.store.Durability;
import io.strongroom.core.testkit.Await;
import io.strongroom.server.Gateway;
import io.strongroom.server.config.GatewayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Read replicas through the embedding API (docs/REPLICAS.md): an embedded Strongroom follows a volume of a running
 * gateway with {@code Strongroom.replicas()}, its handle reads what the primary holds and is refused writes, trims and
 * deletion with ReadOnlyReplica until the replica is promoted; no toString shows the token.
 */
class EmbeddedReplicaTest {
    private static final int BS = 8192;
    private static final int BLOCKS = 32;

    @TempDir
    Path tmp;

    private static void assertCode(ErrorCode code, Throwable failure) {
        assertEquals(code, StrongroomException.codeOf(failure), String.valueOf(failure));
    }

    @Test
    void anEmbeddedReplicaFollowsReadsRefusesWritesAndIsPromoted() throws Exception {
        VolumeTestKit kit = VolumeTestKit.start(tmp.resolve("kit"));
        Vertx vertx = Vertx.vertx();
        Gateway primary = null;
        Strongroom strongroom = null;
        try {
            primary = Gateway.start(
                            vertx,
                            new GatewayConfig()
                                    .setDataDir(tmp.resolve("primary"))
                                    .setPort(0)
                                    .setEventLoops(1)
                                    .setDurability(Durability.NONE))
                    .await(60, TimeUnit.SECONDS);
            Await.result(primary.volumes().create(new VolumeSpec("db", (long) BLOCKS * BS)));
            byte[] content = new byte[BLOCKS * BS];
            new Random(5).nextBytes(content);
            Await.result(primary.volumes().write("db", 0, Buffer.buffer(content)));

            strongroom = Await.result(Strongroom.start(
                    EmbeddedOptions.of(kit, tmp.resolve("embedded")).setReplicaDirectory(tmp.resolve("replicas"))));
            Replicas replicas = strongroom.replicas();
            // the admin token of a first start holds every role, replication included
            ReplicaSpec spec = new ReplicaSpec(
                    "db-r", primary.baseUrl(), "db", primary.adminToken(), null, null, Duration.ofMillis(50));
            assertFalse(spec.toString().contains(primary.adminToken()));
            ReplicaInfo created = Await.result(replicas.create(spec));
            assertFalse(created.toString().contains(primary.adminToken()));
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> Await.result(replicas.get("db-r")).cycles() >= 1);

            VolumeHandle h = Await.result(strongroom.volume("db-r"));
            assertEquals(BLOCKS, h.blockCount());
            assertEquals(Buffer.buffer(content), Await.result(h.read(0, BLOCKS)));
            assertCode(ErrorCode.ReadOnlyReplica, Await.failure(h.write(0, Buffer.buffer(new byte[BS]))));
            assertCode(ErrorCode.ReadOnlyReplica, Await.failure(h.trim(0, 1)));
            assertCode(ErrorCode.ReadOnlyReplica, Await.failure(strongroom.deleteVolume("db-r")));
            assertCode(ErrorCode.ReplicaNotFound, Await.failure(replicas.get("none")));
            assertCode(ErrorCode.ReplicaExists, Await.failure(replicas.create(spec)));

            assertEquals(
                    ReplicaInfo.State.PROMOTED,
                    Await.result(replicas.promote("db-r")).state());
            Await.result(h.write(0, Buffer.buffer(new byte[BS])));
            assertEquals(Buffer.buffer(new byte[BS]), Await.result(h.read(0, 1)));
        } finally {
            if (strongroom != null) {
                Await.result(strongroom.close());
            }
            if (primary != null) {
                primary.close().await(60, TimeUnit.SECONDS);
            }
            vertx.close().await(30, TimeUnit.SECONDS);
            kit.close();
        }
    }
}
