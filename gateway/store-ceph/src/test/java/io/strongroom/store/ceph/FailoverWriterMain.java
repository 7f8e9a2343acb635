package io.strongroom.store.ceph;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.StorageOptions;
import io.strongroom.core.testkit.store.SlotPattern;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The gateway process {@link FailoverTest} kills: eight writers on one volume of the {@code ceph} backend, each
 * rewriting its own blocks (writer {@code w}: blocks {@code w, w + 8, ..}) with rising generations, one write in
 * flight each, printing {@code ack <block> <generation>} once a write is acknowledged. Runs until killed.
 *
 * <p>Arguments: ceph.conf, namespace, volume id, blocks written, lease seconds.
 */
public final class FailoverWriterMain {

    static final int SLOT = 8192 + 48;
    static final int WRITERS = 8;

    private FailoverWriterMain() {}

    public static void main(String[] args) {
        Path conf = Path.of(args[0]);
        String namespace = args[1];
        UUID volume = UUID.fromString(args[2]);
        int blocks = Integer.parseInt(args[3]);
        long leaseSeconds = Long.parseLong(args[4]);
        Vertx vertx = Vertx.vertx();
        StorageOptions options = new StorageOptions()
                .setCephConf(conf)
                .setCephNamespace(namespace)
                .setCephLeaseSeconds(leaseSeconds);
        CephStorageBackend.open(vertx, options)
                .onSuccess(backend -> {
                    for (int w = 0; w < WRITERS; w++) {
                        writeFrom(backend.blocks(), volume, w, blocks, 1);
                    }
                })
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    private static void writeFrom(BlockStore store, UUID volume, long block, int blocks, long generation) {
        Future<Void> written = store.write(volume, block, SlotPattern.run(SLOT, block, 1, generation));
        written.onComplete(ar -> {
            if (ar.succeeded()) {
                ack(block, generation);
            } else {
                System.err.println("write of block " + block + " failed: " + ar.cause());
            }
            long next = block + WRITERS < blocks ? block + WRITERS : block % WRITERS;
            long nextGeneration = next < block ? generation + 1 : generation;
            writeFrom(store, volume, next, blocks, ar.succeeded() ? nextGeneration : generation);
        });
    }

    private static synchronized void ack(long block, long generation) {
        System.out.println("ack " + block + " " + generation);
        System.out.flush();
    }
}
