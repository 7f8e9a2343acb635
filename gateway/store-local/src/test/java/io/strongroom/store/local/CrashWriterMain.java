package io.strongroom.store.local;

import io.strongroom.core.store.BlockStore;
import io.strongroom.core.store.Durability;
import io.strongroom.core.store.StoreSnapshot;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.testkit.store.SlotPattern;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Child process of {@link CrashAtomicityTest}: opens the store and keeps {@code writers} concurrent writers busy
 * until it is killed. Writer {@code w} owns blocks {@code [w * perWriter, (w + 1) * perWriter)} and issues one
 * operation at a time: a write of a run of 1 to 3 blocks filled with {@link SlotPattern}s of a fresh generation
 * (about one in nine of them FUA), or now and then a trim (generation 0) or a flush. It logs to a file (appended
 * with one write call per line, so what was written survives the kill in the page cache; a pipe is not used because
 * the JDK may drop the unread end of a killed child's stdout), one line per event, each ending in ';' so a line cut
 * by the kill is recognisable:
 * <pre>
 *   READY;                       store open, writers starting
 *   I first count generation;    about to issue (printed before the call)
 *   A first count generation;    acknowledged (printed after the future completed)
 * </pre>
 * With a ninth argument {@code snapshots}, it also takes snapshots one after another (named {@code <prefix>-<n>},
 * the prefix the tenth argument) and deletes the oldest while more than three are live, logging
 * <pre>
 *   SI name;   SA name;           snapshot asked for, acknowledged
 *   DI name;   DA name;           deletion asked for, acknowledged
 * </pre>
 * Arguments: dataDir durability volumeId slotSize writers perWriter firstGeneration logFile [snapshots prefix].
 */
public final class CrashWriterMain {

    private CrashWriterMain() {}

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Durability durability = Durability.parse(args[1]);
        UUID volume = UUID.fromString(args[2]);
        int slotSize = Integer.parseInt(args[3]);
        int writers = Integer.parseInt(args[4]);
        int perWriter = Integer.parseInt(args[5]);
        AtomicLong generations = new AtomicLong(Long.parseLong(args[6]));
        OutputStream out = new FileOutputStream(args[7], true);

        Vertx vertx = Vertx.vertx();
        BlockStore store = Await.result(LocalFileBlockStore.open(
                vertx,
                new LocalFileBlockStoreOptions()
                        .setDataDir(dataDir)
                        .setDurability(durability)
                        .setCheckpointBytes(512 * 1024)));
        emit(out, "READY;");
        for (int w = 0; w < writers; w++) {
            new Writer(
                            store,
                            volume,
                            slotSize,
                            w * perWriter,
                            perWriter,
                            generations,
                            out,
                            new SplittableRandom(w * 7919L + generations.get()))
                    .next();
        }
        if (args.length > 9 && args[8].equals("snapshots")) {
            new Snapshotter(vertx, store, volume, args[9], out).next();
        }
        // The writers run until the test kills this process: the main thread only has to stay.
        new CountDownLatch(1).await();
    }

    private static void emit(OutputStream out, String line) {
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.US_ASCII);
        synchronized (out) {
            try {
                out.write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Takes a snapshot, then the next one a moment later; deletes the oldest while more than three are live. */
    private static final class Snapshotter {
        private final Vertx vertx;
        private final BlockStore store;
        private final UUID volume;
        private final String prefix;
        private final OutputStream out;
        private final ArrayDeque<StoreSnapshot> live = new ArrayDeque<>();
        private int taken;

        Snapshotter(Vertx vertx, BlockStore store, UUID volume, String prefix, OutputStream out) {
            this.vertx = vertx;
            this.store = store;
            this.volume = volume;
            this.prefix = prefix;
            this.out = out;
        }

        void next() {
            StoreSnapshot snapshot = new StoreSnapshot(UUID.randomUUID(), prefix + "-" + taken++, Instant.now());
            emit(out, "SI " + snapshot.name() + ";");
            store.createSnapshot(volume, snapshot)
                    .onSuccess(v -> {
                        emit(out, "SA " + snapshot.name() + ";");
                        live.add(snapshot);
                    })
                    .compose(v -> live.size() > 3 ? delete(live.poll()) : Future.succeededFuture())
                    .onComplete(ar -> {
                        if (ar.failed()) {
                            emit(out, "FAILED " + ar.cause() + ";");
                        }
                        // Paced, so the writers get most of the store between snapshots; not a synchronisation.
                        vertx.setTimer(20, t -> next());
                    });
        }

        private Future<Void> delete(StoreSnapshot doomed) {
            emit(out, "DI " + doomed.name() + ";");
            return store.deleteSnapshot(volume, doomed.id()).onSuccess(v -> emit(out, "DA " + doomed.name() + ";"));
        }
    }

    /** One writer: an endless sequence of operations, each issued when the previous one was acknowledged. */
    private record Writer(
            BlockStore store,
            UUID volume,
            int slotSize,
            int firstBlock,
            int blocks,
            AtomicLong generations,
            OutputStream out,
            SplittableRandom random) {

        void next() {
            int choice = random.nextInt(100);
            int count = 1 + random.nextInt(3);
            long first = firstBlock + random.nextInt(blocks - count + 1);
            Future<Void> op;
            if (choice < 3) {
                op = store.flush(volume);
            } else {
                long generation = choice < 10 ? 0 : generations.getAndIncrement();
                emit(out, "I " + first + " " + count + " " + generation + ";");
                op = (generation == 0
                                ? store.trim(volume, first, count)
                                : store.write(volume, first, run(first, count, generation), choice >= 90))
                        .onSuccess(v -> emit(out, "A " + first + " " + count + " " + generation + ";"));
            }
            op.onComplete(ar -> {
                if (ar.failed()) {
                    emit(out, "FAILED " + ar.cause() + ";");
                }
                next();
            });
        }

        private Buffer run(long first, int count, long generation) {
            Buffer b = Buffer.buffer(count * slotSize);
            for (int i = 0; i < count; i++) {
                b.appendBytes(SlotPattern.slot(slotSize, first + i, generation));
            }
            return b;
        }
    }
}
