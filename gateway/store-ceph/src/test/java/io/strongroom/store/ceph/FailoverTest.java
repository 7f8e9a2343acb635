package io.strongroom.store.ceph;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.ChildJvm;
import io.strongroom.core.testkit.store.SlotPattern;
import io.strongroom.core.testkit.store.StoreAsserts;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover between two gateways' stores: the process holding a volume's writer lease is killed with SIGKILL while
 * eight writers write; this store takes the volume over once the lease has lapsed (fencing the dead client), every
 * write the killed process acknowledged is there, and no slot is torn.
 */
@ExtendWith(CephCluster.Extension.class)
class FailoverTest {

    private static final int SLOT = FailoverWriterMain.SLOT;
    private static final int BLOCKS = 64;
    private static final long LEASE_SECONDS = 2;
    private static final int ACKS_BEFORE_KILL = 400;

    @TempDir
    Path logs;

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() {
        Await.result(vertx.close());
    }

    @Test
    void aKilledWritersVolumeIsTakenOverWithEveryAcknowledgedWrite(CephCluster cluster) throws Exception {
        String namespace = CephCluster.freshNamespace();
        UUID volume = UUID.randomUUID();
        CephBlockStore store = Await.result(CephStorageBackend.open(
                        vertx, cluster.options(namespace).setCephLeaseSeconds(LEASE_SECONDS)))
                .blocks();
        Await.result(store.createVolume(volume, SLOT, BLOCKS + 8));
        long killed;
        String acks;
        try (ChildJvm writer = ChildJvm.start(
                "failover-writer",
                logs,
                List.of("-Xmx256m"),
                FailoverWriterMain.class,
                List.of(cluster.conf().toString(), namespace, volume.toString(), String.valueOf(BLOCKS), "2"))) {
            await().atMost(ChildJvm.PATIENCE).until(() -> {
                assertTrue(writer.isAlive(), () -> "the writer exited:\n" + writer.log());
                return writer.output().lines().count() >= ACKS_BEFORE_KILL;
            });
            writer.kill();
            killed = System.nanoTime();
            acks = writer.output();
        }
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            Await.result(store.write(volume, BLOCKS, SlotPattern.run(SLOT, BLOCKS, 1, 1)));
            return true;
        });
        System.out.printf(
                "took over a %d s lease %d ms after SIGKILL%n",
                LEASE_SECONDS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
        assertEquals(1, store.stats().detail("fencedGateways").orElseThrow(), "the killed client was fenced");

        long[] acked = lastAcknowledged(acks);
        long[] found = SlotPattern.generationsOf(StoreAsserts.bytes(store.read(volume, 0, BLOCKS)), SLOT, 0);
        List<String> wrong = new ArrayList<>();
        for (int b = 0; b < BLOCKS; b++) {
            // One write per writer was in flight at the kill: it may have landed, whole.
            if (found[b] != acked[b] && found[b] != acked[b] + 1) {
                wrong.add("block " + b + ": acknowledged " + acked[b] + ", found " + found[b]);
            }
        }
        assertEquals(List.of(), wrong, "every acknowledged write is there, no slot torn");
        Await.result(store.close());
    }

    /** The last generation acknowledged per block, from the complete {@code ack} lines (0: none). */
    private static long[] lastAcknowledged(String output) {
        long[] acked = new long[BLOCKS];
        String complete = output.substring(0, output.lastIndexOf('\n') + 1);
        complete.lines().forEach(line -> {
            String[] f = line.split(" ");
            int block = Integer.parseInt(f[1]);
            acked[block] = Math.max(acked[block], Long.parseLong(f[2]));
        });
        return acked;
    }
}
