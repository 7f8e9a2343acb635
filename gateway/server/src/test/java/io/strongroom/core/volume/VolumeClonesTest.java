package io.strongroom.core.volume;

import static io.strongroom.core.volume.VolumeTestKit.awaitFailure;
import static io.strongroom.core.volume.VolumeTestKit.pattern;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Clones through the volume service, with real keys, sealing and files: a clone under the parent's KEK, another
 * customer key (through the default identity or another one) or the service key reads exactly as its snapshot (by hash) and is written without touching the
 * parent or the snapshot; bad input creates nothing; while the copy runs the snapshot is not deleted and the clone
 * refuses requests, and writes to the parent meanwhile stay out of it; a copy that fails or is interrupted by a
 * stop leaves no volume behind; and sealed slots swapped between parent and clone fail to open.
 */
class VolumeClonesTest extends WithVolumeKit {
    static final int BS = 8192;
    static final int SLOT = BS + 48;
    static final int BLOCKS = 256;

    /** Writes pseudo-random blocks over the whole volume, every fifth left zero; returns the non-zero count. */
    private int fill(String volume, long seed) {
        Random random = new Random(seed);
        int nonZero = 0;
        for (int first = 0; first < BLOCKS; first += 16) {
            byte[] run = new byte[16 * BS];
            for (int i = 0; i < 16; i++) {
                if ((first + i) % 5 != 0) {
                    byte[] block = new byte[BS];
                    random.nextBytes(block);
                    System.arraycopy(block, 0, run, i * BS, BS);
                    nonZero++;
                }
            }
            Await.result(kit.service.write(volume, first, Buffer.buffer(run)));
        }
        return nonZero;
    }

    private String hashOfVolume(String volume) {
        return hash(first -> kit.service.read(volume, first, 64));
    }

    private String hashOfSnapshot(String volume, String snapshot) {
        return hash(first -> kit.service.readSnapshot(volume, snapshot, first, 64));
    }

    private static String hash(java.util.function.LongFunction<Future<Buffer>> run) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (long first = 0; first < BLOCKS; first += 64) {
                sha.update(Await.result(run.apply(first)).getBytes());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private VolumeInfo cloneAndWait(String parent, String snapshot, VolumeSpec spec) {
        CloneJob job = Await.result(kit.service.cloneSnapshot(parent, snapshot, spec));
        assertEquals("CLONING", job.started().clonedFrom().state());
        assertEquals(parent, job.started().clonedFrom().sourceVolume());
        return Await.result(job.finished());
    }

    @Test
    void aCloneUnderEachKindOfKeyReadsAsItsSnapshotAndIsWrittenAlone() {
        String parentKey = VolumeTestKit.uniqueKeyName("clone-parent");
        String otherKey = VolumeTestKit.uniqueKeyName("clone-other");
        kit.createKey(parentKey);
        kit.createKey(otherKey);
        VolumeInfo parent = Await.result(
                kit.service.create(new VolumeSpec("p", (long) BS * BLOCKS, BS, kit.keyUrl(parentKey), null)));
        int nonZero = fill("p", 1);
        Await.result(kit.service.createSnapshot("p", "s"));
        Await.result(kit.service.write("p", 0, pattern(BS, 16, 9)));
        String snapshotHash = hashOfSnapshot("p", "s");
        String parentHash = hashOfVolume("p");
        assertNotEquals(snapshotHash, parentHash, "the parent moved on after the snapshot");

        record Switch(String name, String kek, String identity, String expectedKey) {}
        List<Switch> switches = List.of(
                new Switch("same-kek", kit.keyUrl(parentKey), null, kit.keyUrl(parentKey)),
                new Switch("other-kek", kit.keyUrl(otherKey), null, kit.keyUrl(otherKey)),
                // another identity (client credentials) reaching the other key
                new Switch("other-identity", kit.keyUrl(otherKey), "app", kit.keyUrl(otherKey)),
                new Switch("service-kek", null, null, kit.keyUrl(VolumeTestKit.SERVICE_KEY)));
        for (Switch s : switches) {
            VolumeInfo clone = cloneAndWait("p", "s", new VolumeSpec(s.name(), 0, 0, s.kek(), s.identity()));
            assertEquals("DONE", clone.clonedFrom().state());
            assertEquals("s", clone.clonedFrom().snapshot());
            assertEquals(parent.sizeBytes(), clone.sizeBytes());
            assertTrue(clone.kekId().startsWith(s.expectedKey() + "/"), clone.kekId());
            assertTrue(Collections.disjoint(parent.dekIds(), clone.dekIds()), "the clone has a DEK of its own");
            assertNotEquals(parent.id(), clone.id());
            assertEquals(snapshotHash, hashOfVolume(s.name()), s.name() + " reads as the snapshot");
            assertEquals(
                    "done",
                    kit.metadataDocument(clone).getJsonObject("clone").getString("state"),
                    "the metadata says the copy finished");

            Await.result(kit.service.write(s.name(), 8, pattern(BS, 4, 20)));
            assertEquals(pattern(BS, 4, 20), Await.result(kit.service.read(s.name(), 8, 4)));
            assertEquals(parentHash, hashOfVolume("p"), "writing the clone leaves the parent alone");
            assertEquals(snapshotHash, hashOfSnapshot("p", "s"), "and the snapshot");
        }
        assertEquals(
                "app",
                kit.metadataDocument(Await.result(kit.service.get("other-identity")))
                        .getString("identity"),
                "the clone reaches its key through the identity asked for");
        assertEquals(
                (long) switches.size() * nonZero,
                kit.service.cloneStats().blocksCopied(),
                "only non-zero blocks are copied");
        assertEquals(0, kit.service.cloneStats().running());

        kit.restart();
        for (Switch s : switches) {
            VolumeInfo clone = Await.result(kit.service.get(s.name()));
            assertEquals("DONE", clone.clonedFrom().state());
            assertEquals(pattern(BS, 4, 20), Await.result(kit.service.read(s.name(), 8, 4)));
        }
        Await.result(kit.service.write("p", 8, pattern(BS, 4, 30)));
        assertEquals(pattern(BS, 4, 20), Await.result(kit.service.read("same-kek", 8, 4)), "nor the other way");
        Await.result(kit.service.deleteSnapshot("p", "s"));
        Await.result(kit.service.delete("p"));
        assertEquals(pattern(BS, 4, 20), Await.result(kit.service.read("other-kek", 8, 4)), "a clone outlives both");
    }

    @Test
    void badInputCreatesNothing() throws Exception {
        Await.result(kit.service.create(new VolumeSpec("p", (long) BS * BLOCKS)));
        Await.result(kit.service.create(new VolumeSpec("taken", (long) BS * 4)));
        Await.result(kit.service.createSnapshot("p", "s"));
        Set<Path> before = storeEntries();

        awaitFailure(kit.service.cloneSnapshot("none", "s", new VolumeSpec("c", 0)), ErrorCode.VolumeNotFound);
        awaitFailure(kit.service.cloneSnapshot("p", "none", new VolumeSpec("c", 0)), ErrorCode.SnapshotNotFound);
        awaitFailure(kit.service.cloneSnapshot("p", "Bad", new VolumeSpec("c", 0)), ErrorCode.InvalidArgument);
        awaitFailure(kit.service.cloneSnapshot("p", "s", new VolumeSpec("taken", 0)), ErrorCode.VolumeExists);
        awaitFailure(kit.service.cloneSnapshot("p", "s", new VolumeSpec("Bad Name", 0)), ErrorCode.InvalidArgument);
        awaitFailure(kit.service.cloneSnapshot("p", "s", null), ErrorCode.InvalidArgument);
        awaitFailure(
                kit.service.cloneSnapshot("p", "s", new VolumeSpec("c", 0, 0, "not a key url", null)),
                ErrorCode.InvalidArgument);
        awaitFailure(
                kit.service.cloneSnapshot("p", "s", new VolumeSpec("c", 0, 0, null, "default")),
                ErrorCode.InvalidArgument);
        awaitFailure(
                kit.service.cloneSnapshot("p", "s", new VolumeSpec("c", (long) BS * 8, 0, null, null)),
                ErrorCode.InvalidArgument);
        awaitFailure(
                kit.service.cloneSnapshot("p", "s", new VolumeSpec("c", 0, 4096, null, null)),
                ErrorCode.InvalidArgument);
        awaitFailure(
                kit.service.cloneSnapshot("p", "s", new VolumeSpec("c", 0, 0, kit.keyUrl("no-such-key"), null)),
                ErrorCode.InvalidArgument);

        assertEquals(
                List.of("p", "taken"),
                Await.result(kit.service.list()).stream().map(VolumeInfo::name).toList());
        assertEquals(before, storeEntries(), "no store volume was left behind");
        Await.result(kit.service.deleteSnapshot("p", "s")); // no clone holds it
    }

    @Test
    void whileTheCopyRunsTheSnapshotStaysTheCloneWaitsAndParentWritesStayOut() {
        SnapshotReadGate[] gate = new SnapshotReadGate[1];
        kit.storeWrapper = s -> gate[0] = new SnapshotReadGate(s);
        kit.restart();
        Await.result(kit.service.create(new VolumeSpec("p", (long) BS * BLOCKS)));
        fill("p", 2);
        Await.result(kit.service.createSnapshot("p", "s"));
        String snapshotHash = hashOfSnapshot("p", "s");

        gate[0].hold = true;
        CloneJob job = Await.result(kit.service.cloneSnapshot("p", "s", new VolumeSpec("c", 0)));
        await().atMost(Await.DEFAULT_TIMEOUT).until(() -> gate[0].held() > 0);
        awaitFailure(kit.service.deleteSnapshot("p", "s"), ErrorCode.SnapshotInUse);
        awaitFailure(kit.service.delete("p"), ErrorCode.VolumeHasSnapshots);
        awaitFailure(kit.service.read("c", 0, 1), ErrorCode.VolumeCloning);
        awaitFailure(kit.service.write("c", 0, pattern(BS, 1, 1)), ErrorCode.VolumeCloning);
        awaitFailure(kit.service.trim("c", 0, 1), ErrorCode.VolumeCloning);
        awaitFailure(kit.service.flush("c"), ErrorCode.VolumeCloning);
        awaitFailure(kit.service.createSnapshot("c", "x"), ErrorCode.VolumeCloning);
        awaitFailure(kit.service.rollover("c"), ErrorCode.VolumeCloning);
        awaitFailure(kit.service.delete("c"), ErrorCode.VolumeCloning);
        awaitFailure(kit.service.cloneSnapshot("p", "s", new VolumeSpec("c", 0)), ErrorCode.VolumeExists);
        assertEquals("CLONING", Await.result(kit.service.get("c")).clonedFrom().state());
        assertEquals(1, kit.service.cloneStats().running());
        for (int first = 0; first < BLOCKS; first += 16) {
            Await.result(kit.service.write("p", first, pattern(BS, 16, 40 + first)));
        }
        gate[0].release();

        VolumeInfo done = Await.result(job.finished());
        assertEquals("DONE", done.clonedFrom().state());
        assertEquals(snapshotHash, hashOfVolume("c"), "the clone is the snapshot, not the parent as written since");
        Await.result(kit.service.deleteSnapshot("p", "s"));
    }

    @Test
    void aCloneMadeWhileWritersRunEqualsItsSnapshot() throws Exception {
        Await.result(kit.service.create(new VolumeSpec("p", (long) BS * BLOCKS)));
        fill("p", 3);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int seed = w;
            writers.add(new Thread(() -> {
                Random random = new Random(seed);
                while (!stop.get()) {
                    Await.result(kit.service.write("p", random.nextInt(BLOCKS), pattern(BS, 1, random.nextInt())));
                    written.incrementAndGet();
                }
            }));
        }
        writers.forEach(Thread::start);
        try {
            await().atMost(Await.DEFAULT_TIMEOUT).until(() -> written.get() > 20);
            Await.result(kit.service.createSnapshot("p", "s"));
            int before = written.get();
            CloneJob job = Await.result(kit.service.cloneSnapshot("p", "s", new VolumeSpec("c", 0)));
            await().atMost(Await.DEFAULT_TIMEOUT).until(() -> written.get() > before + 20);
            Await.result(job.finished());
        } finally {
            stop.set(true);
            for (Thread t : writers) {
                t.join();
            }
        }
        assertEquals(hashOfSnapshot("p", "s"), hashOfVolume("c"));
    }

    @Test
    void aCopyThatFailsOrIsCutByAStopLeavesNoVolume() {
        SnapshotReadGate[] gate = new SnapshotReadGate[1];
        kit.storeWrapper = s -> gate[0] = new SnapshotReadGate(s);
        kit.restart();
        Await.result(kit.service.create(new VolumeSpec("p", (long) BS * BLOCKS)));
        fill("p", 4);
        Await.result(kit.service.createSnapshot("p", "s"));
        Set<Path> before = storeEntries();

        // Cut by a stop: the document says CLONING, so the next start deletes the clone.
        gate[0].hold = true;
        CloneJob cut = Await.result(kit.service.cloneSnapshot("p", "s", new VolumeSpec("c", 0)));
        await().atMost(Await.DEFAULT_TIMEOUT).until(() -> gate[0].held() > 0);
        assertNotEquals(before, storeEntries(), "the clone's store volume exists while it is copied");
        SnapshotReadGate old = gate[0];
        kit.restart();
        old.release(); // the old service's copy now fails against its closed store
        Await.failure(cut.finished(), io.strongroom.core.error.StrongroomException.class);
        awaitFailure(kit.service.get("c"), ErrorCode.VolumeNotFound);
        assertEquals(before, storeEntries(), "start-up deleted the unfinished clone");

        // A failure during the copy: the parent's DEK is gone from memory, so the snapshot reads fail.
        gate[0].hold = true;
        CloneJob failing = Await.result(kit.service.cloneSnapshot("p", "s", new VolumeSpec("c", 0)));
        await().atMost(Await.DEFAULT_TIMEOUT).until(() -> gate[0].held() > 0);
        VolumeInfo parent = Await.result(kit.service.get("p"));
        parent.dekIds().forEach(id -> kit.keys.dekCache().destroy(io.strongroom.crypto.DekId.parse(id)));
        gate[0].release();
        awaitFailure(failing.finished(), ErrorCode.KeyUnavailable);
        awaitFailure(kit.service.get("c"), ErrorCode.VolumeNotFound);
        assertEquals(before, storeEntries(), "the failed clone was deleted");
        await().atMost(Await.DEFAULT_TIMEOUT).until(() -> {
            try {
                Await.result(kit.service.read("p", 0, 1));
                return true;
            } catch (io.strongroom.core.error.StrongroomException e) {
                return false;
            }
        });
        VolumeInfo again = cloneAndWait("p", "s", new VolumeSpec("c", 0));
        assertEquals("DONE", again.clonedFrom().state());
        assertEquals(hashOfSnapshot("p", "s"), hashOfVolume("c"), "the name is free for a clone that finishes");
    }

    @Test
    void slotsSwappedBetweenParentAndCloneFailToOpen() throws Exception {
        VolumeInfo p = Await.result(kit.service.create(new VolumeSpec("p", (long) BS * 8)));
        Await.result(kit.service.write("p", 0, pattern(BS, 2, 1)));
        Await.result(kit.service.createSnapshot("p", "s"));
        // Under the very same KEK: only the clone's own DEK and volume id tell its slots apart.
        VolumeInfo c = cloneAndWait("p", "s", new VolumeSpec("c", 0));
        assertEquals(p.kekId(), c.kekId());
        kit.closeService();

        byte[] parentSlot = readSlot(kit.slotsFile(p), 0);
        byte[] cloneSlot = readSlot(kit.slotsFile(c), 1);
        writeSlot(kit.slotsFile(c), 0, parentSlot);
        writeSlot(kit.slotsFile(p), 1, cloneSlot);
        kit.open();
        awaitFailure(kit.service.read("c", 0, 1), ErrorCode.BlockIntegrityError);
        awaitFailure(kit.service.read("p", 1, 1), ErrorCode.BlockIntegrityError);
        assertEquals(pattern(BS, 2, 1).slice(BS, 2 * BS), Await.result(kit.service.read("c", 1, 1)));
        assertEquals(pattern(BS, 1, 1), Await.result(kit.service.read("p", 0, 1)));
    }

    private Set<Path> storeEntries() {
        try (Stream<Path> all = Files.list(kit.storeDir)) {
            return Set.copyOf(all.toList());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] readSlot(Path file, long block) throws Exception {
        byte[] slot = new byte[SLOT];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            assertEquals(SLOT, ch.read(ByteBuffer.wrap(slot), block * SLOT));
        }
        assertFalse(slot[0] == 0, "a sealed block is there");
        return slot;
    }

    private static void writeSlot(Path file, long block, byte[] slot) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(slot), block * SLOT);
            ch.force(false);
        }
    }
}
