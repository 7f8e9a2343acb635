package io.strongroom.core.volume;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.strongroom.core.embed.Strongroom;
import io.strongroom.core.embed.StrongroomOptions;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.testkit.Await;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * One run of {@link VolumeModelTest}: a real embedded {@link Strongroom} (the shared local-vault, the local file
 * store in its own directory) and the model it must agree with: the volumes by name, each one's bytes per block (an
 * absent block reads as zeros), its KEK version and auto-follow setting, and its DEKs. Each step calls the stack, checks the answer against the
 * model, then updates the model; {@link #checkListing()} compares the whole listing after every step.
 *
 * <p>A DEK rollover's re-seal pass runs on its own, paced so that it overlaps the next steps (reads, writes, trims,
 * restarts, key changes and rollovers meet it midway), so the model knows only which DEKs a volume may still list: the
 * active one first, then old ones until the pass ends. {@link #settleAndCheckAll()} waits for every pass to end and
 * reads every block back.
 */
final class ModelledStack implements AutoCloseable {
    /** Auto-follow notices a new key version within this, so a sequence's end waits little for it. */
    static final Duration KEY_WATCH_INTERVAL = Duration.ofMillis(100);

    /** Re-seal pace: a pass over a model volume (at most 48 blocks) spans several steps. */
    static final int RESEAL_BLOCKS_PER_SECOND = 400;

    static final int RESEAL_BATCH_BLOCKS = 4;

    private final VolumeTestKit kit;
    private final Map<String, String> kekVersions;
    private final Path dir;
    private final Map<String, ModelVolume> model = new TreeMap<>();
    /** Every DEK id seen so far: a rollover must bring a new one. */
    private final Set<String> deksSeen = new HashSet<>();

    private @Nullable Strongroom stack;
    int restarts;

    /**
     * @param kekVersions KEK names (the service KEK's and the customer keys') → their current versioned key id
     */
    ModelledStack(VolumeTestKit kit, Map<String, String> kekVersions) {
        this.kit = kit;
        this.kekVersions = kekVersions;
        try {
            this.dir = Files.createTempDirectory("strongroom-volume-model");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        start();
    }

    /** A model volume: geometry, expected content, KEK version and DEKs. */
    static final class ModelVolume {
        final int blockSize;
        final long blockCount;
        final Map<Long, byte[]> blocks = new HashMap<>();
        String kekId;
        boolean autoFollow;
        /** With auto-follow, a newer version of its key the volume may have moved to by now; null when none. */
        @Nullable
        String followTo;

        String activeDek;
        /** Old DEKs the volume may still list while a re-seal pass runs; empty once it is seen to have ended. */
        final Set<String> retiring = new HashSet<>();

        ModelVolume(VolumeInfo info) {
            this.blockSize = info.blockSize();
            this.blockCount = info.blockCount();
            this.kekId = info.kekId();
            this.autoFollow = info.autoFollow();
            this.activeDek = info.dekIds().get(0);
        }

        byte[] expected(long first, int count) {
            byte[] bytes = new byte[blockSize * count];
            for (int i = 0; i < count; i++) {
                byte[] block = blocks.get(first + i);
                if (block != null) {
                    System.arraycopy(block, 0, bytes, i * blockSize, blockSize);
                }
            }
            return bytes;
        }
    }

    private VolumeService service() {
        if (stack == null) {
            throw new IllegalStateException("the stack is not running");
        }
        return stack.volumes();
    }

    private void start() {
        StrongroomOptions options = EmbeddedOptions.of(kit, dir).setVertx(kit.vertx);
        options.getVolumes()
                .setResealBlocksPerSecond(RESEAL_BLOCKS_PER_SECOND)
                .setResealBatchBlocks(RESEAL_BATCH_BLOCKS)
                .setResealCheckpointInterval(Duration.ofMillis(20))
                .setKeyWatchInterval(KEY_WATCH_INTERVAL);
        stack = Await.result(Strongroom.start(options));
    }

    // ---- steps ------------------------------------------------------------------------------------------------

    void create(String name, int blockSize, int blocks, String kek) {
        String kekUrl = kek.equals(VolumeModelTest.SERVICE_KEK) ? null : kit.keyUrl(kek);
        Future<VolumeInfo> created =
                service().create(new VolumeSpec(name, (long) blockSize * blocks, blockSize, kekUrl, null));
        if (model.containsKey(name)) {
            expectFailure(created, ErrorCode.VolumeExists, "create " + name);
            return;
        }
        VolumeInfo info = Await.result(created);
        assertEquals(blockSize, info.blockSize(), "block size of " + name);
        assertEquals(blocks, info.blockCount(), "block count of " + name);
        assertEquals(kekVersions.get(kek), info.kekId(), "a new volume's KEK is the current version of " + kek);
        assertEquals(1, info.dekIds().size(), "a new volume has one DEK: " + info.dekIds());
        assertNull(info.rollover());
        assertTrue(deksSeen.add(info.dekIds().get(0)), "a new volume's DEK is new: " + info.dekIds());
        model.put(name, new ModelVolume(info));
    }

    void delete(String name) {
        Future<Void> deleted = service().delete(name);
        if (!model.containsKey(name)) {
            expectFailure(deleted, ErrorCode.VolumeNotFound, "delete " + name);
            return;
        }
        Await.result(deleted);
        model.remove(name);
    }

    /** Writes blocks [first, first + count) clipped to the volume, each filled from {@code seed}. */
    void write(String name, long first, int count, boolean fua, int seed) {
        ModelVolume volume = model.get(name);
        if (volume == null) {
            expectFailure(service().write(name, 0, Buffer.buffer(new byte[4096]), fua), ErrorCode.VolumeNotFound, name);
            return;
        }
        long at = first % volume.blockCount;
        int run = clip(volume, at, count);
        Await.result(service().write(name, at, Buffer.buffer(content(volume, at, run, seed)), fua));
        record(volume, at, run, seed);
    }

    void read(String name, long first, int count) {
        ModelVolume volume = model.get(name);
        if (volume == null) {
            expectFailure(service().read(name, 0, 1), ErrorCode.VolumeNotFound, name);
            return;
        }
        long at = first % volume.blockCount;
        checkContent(name, volume, at, clip(volume, at, count));
    }

    void trim(String name, long first, int count) {
        ModelVolume volume = model.get(name);
        if (volume == null) {
            expectFailure(service().trim(name, 0, 1), ErrorCode.VolumeNotFound, name);
            return;
        }
        long at = first % volume.blockCount;
        int run = clip(volume, at, count);
        Await.result(service().trim(name, at, run));
        for (int i = 0; i < run; i++) {
            volume.blocks.remove(at + i);
        }
    }

    void flush(String name) {
        Future<Void> flushed = service().flush(name);
        if (model.containsKey(name)) {
            Await.result(flushed);
        } else {
            expectFailure(flushed, ErrorCode.VolumeNotFound, "flush " + name);
        }
    }

    /**
     * A read, write or trim of {@code count} blocks that ends {@code beyond + 1} blocks past the volume's end (and
     * starts inside it when it can): BlockOutOfRange, nothing changed.
     */
    void outOfRange(String name, String operation, int count, int beyond) {
        ModelVolume volume = model.get(name);
        if (volume == null) {
            expectFailure(service().read(name, beyond, count), ErrorCode.VolumeNotFound, name);
            return;
        }
        long at = Math.max(0, volume.blockCount - count + 1 + beyond);
        Future<?> call = switch (operation) {
            case "read" -> service().read(name, at, count);
            case "write" -> service().write(name, at, Buffer.buffer(new byte[volume.blockSize * count]));
            case "trim" -> service().trim(name, at, count);
            default -> throw new IllegalArgumentException(operation);
        };
        expectFailure(call, ErrorCode.BlockOutOfRange, operation + " " + name + "[" + at + "+" + count + "]");
    }

    /** A clean restart: the whole stack closed (flushing), then started again over the same directory. */
    void restart() {
        if (stack != null) {
            Await.result(stack.close());
            stack = null;
        }
        start();
        restarts++;
    }

    /**
     * Sets the KEK of {@code name} to the current version of {@code kek}, auto-follow on, off or unchanged (null); with
     * {@code concurrentSeed} a write to the volume is sent first and completes while the KEK changes (it must succeed
     * and land).
     */
    void changeKek(
            String name,
            String kek,
            @Nullable Boolean follow,
            @Nullable Integer concurrentSeed,
            long first,
            int count) {
        keyChange(
                name,
                concurrentSeed,
                first,
                count,
                s -> s.changeKek(
                        name,
                        new KekChange(
                                kek.equals(VolumeModelTest.SERVICE_KEK) ? KekChange.SERVICE_KEK : kit.keyUrl(kek),
                                null,
                                follow)),
                (volume, info) -> {
                    assertEquals(
                            kekVersions.get(kek), info.kekId(), "the KEK of " + name + " after changing it to " + kek);
                    volume.kekId = info.kekId();
                    volume.followTo = null;
                    if (follow != null) {
                        volume.autoFollow = follow;
                    }
                    assertEquals(volume.autoFollow, info.autoFollow(), "auto-follow of " + name);
                    checkDeks(name, volume, info);
                });
    }

    /**
     * Rolls {@code name} over to a new DEK (with an optional concurrent write, as {@link #changeKek}). While an
     * earlier pass may still run, RolloverInProgress is a right answer too.
     */
    void rollover(String name, @Nullable Integer concurrentSeed, long first, int count) {
        keyChange(name, concurrentSeed, first, count, s -> s.rollover(name), (volume, info) -> {
            String fresh = info.dekIds().get(0);
            assertTrue(deksSeen.add(fresh), "a rollover brings a new DEK: " + info.dekIds());
            assertEquals(
                    List.of(fresh, volume.activeDek),
                    info.dekIds(),
                    "after a rollover of " + name
                            + ": the new DEK, then the one it replaces (an earlier pass is over)");
            volume.retiring.clear();
            volume.retiring.add(volume.activeDek);
            volume.activeDek = fresh;
        });
    }

    private void keyChange(
            String name,
            @Nullable Integer concurrentSeed,
            long first,
            int count,
            Function<VolumeService, Future<VolumeInfo>> change,
            BiConsumer<ModelVolume, VolumeInfo> onSuccess) {
        ModelVolume volume = model.get(name);
        if (volume == null) {
            expectFailure(change.apply(service()), ErrorCode.VolumeNotFound, name);
            return;
        }
        long at = first % volume.blockCount;
        int run = clip(volume, at, count);
        Future<Void> write = concurrentSeed == null
                ? Future.succeededFuture()
                : service().write(name, at, Buffer.buffer(content(volume, at, run, concurrentSeed)));
        Future<VolumeInfo> changed = change.apply(service());
        Await.result(write);
        if (concurrentSeed != null) {
            record(volume, at, run, concurrentSeed);
        }
        try {
            onSuccess.accept(volume, Await.result(changed));
        } catch (StrongroomException e) {
            if (e.code() != ErrorCode.RolloverInProgress || volume.retiring.isEmpty()) {
                throw e;
            }
        }
    }

    /**
     * A new version of customer key {@code kek} in the vault: volumes under it keep the version they have, except that
     * those with auto-follow move to the new one on their own.
     */
    void rotateKey(String kek) {
        String latest = kit.rotateKey(kek);
        kekVersions.put(kek, latest);
        String key = kit.keyUrl(kek) + "/";
        for (ModelVolume volume : model.values()) {
            if (volume.autoFollow && volume.kekId.startsWith(key)) {
                volume.followTo = latest;
            }
        }
    }

    // ---- checks -----------------------------------------------------------------------------------------------

    /** After every step: the listing names the model's volumes, each with its geometry, KEK version and DEKs. */
    void checkListing() {
        List<VolumeInfo> listed = Await.result(service().list());
        assertEquals(
                List.copyOf(model.keySet()),
                listed.stream().map(VolumeInfo::name).sorted().toList(),
                "the volumes listed");
        for (VolumeInfo info : listed) {
            ModelVolume volume = model.get(info.name());
            assertEquals(volume.blockSize, info.blockSize(), info.name());
            assertEquals(volume.blockCount, info.blockCount(), info.name());
            if (info.kekId().equals(volume.followTo)) {
                volume.kekId = volume.followTo;
                volume.followTo = null;
            }
            assertEquals(volume.kekId, info.kekId(), "the KEK version of " + info.name());
            assertEquals(volume.autoFollow, info.autoFollow(), "auto-follow of " + info.name());
            checkDeks(info.name(), volume, info);
        }
    }

    /**
     * At the end of a sequence: every re-seal pass ends, leaving the active DEK alone, every volume with auto-follow
     * reaches its key's new version, and every block reads back.
     */
    void settleAndCheckAll() {
        for (Map.Entry<String, ModelVolume> e : model.entrySet()) {
            String name = e.getKey();
            ModelVolume volume = e.getValue();
            if (volume.autoFollow) {
                // Whatever the model expects: the volume ends on its key's latest version, and the model must know it.
                String latest = latestVersionOfKeyOf(volume.kekId);
                await(name + " following its key to " + latest)
                        .atMost(Await.DEFAULT_TIMEOUT)
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> Await.result(service().get(name)).kekId().equals(latest));
                assertTrue(
                        latest.equals(volume.kekId) || latest.equals(volume.followTo),
                        name + " followed its key to " + latest + ", the model did not expect it");
                volume.kekId = latest;
                volume.followTo = null;
            }
            await("the re-seal of " + name + " ending")
                    .atMost(Await.DEFAULT_TIMEOUT)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> Await.result(service().get(name)).rollover() == null);
            VolumeInfo info = Await.result(service().get(name));
            assertEquals(List.of(volume.activeDek), info.dekIds(), "the DEKs of " + name + " after its re-seal");
            volume.retiring.clear();
            checkContent(name, volume, 0, (int) volume.blockCount);
        }
    }

    /** The current version of the key that {@code kekId} (a versioned key id) is a version of. */
    private String latestVersionOfKeyOf(String kekId) {
        for (String latest : kekVersions.values()) {
            if (kekId.startsWith(latest.substring(0, latest.lastIndexOf('/') + 1))) {
                return latest;
            }
        }
        throw new AssertionError("a KEK the model does not know: " + kekId);
    }

    private void checkDeks(String name, ModelVolume volume, VolumeInfo info) {
        List<String> deks = info.dekIds();
        assertEquals(volume.activeDek, deks.get(0), "the active DEK of " + name + ": " + deks);
        for (String old : deks.subList(1, deks.size())) {
            assertTrue(volume.retiring.contains(old), name + " lists a DEK it should not have: " + deks);
        }
        if (info.rollover() == null) {
            assertEquals(1, deks.size(), "no re-seal runs on " + name + ", yet it lists old DEKs: " + deks);
            volume.retiring.clear();
        } else {
            assertFalse(volume.retiring.isEmpty(), name + " re-seals without a rollover: " + info.rollover());
        }
    }

    private void checkContent(String name, ModelVolume volume, long first, int count) {
        byte[] actual = Await.result(service().read(name, first, count)).getBytes();
        assertEquals(volume.blockSize * count, actual.length, "bytes read from " + name);
        byte[] expected = volume.expected(first, count);
        for (int i = 0; i < count; i++) {
            int from = i * volume.blockSize;
            int to = from + volume.blockSize;
            if (!Arrays.equals(expected, from, to, actual, from, to)) {
                fail("block " + (first + i) + " of " + name + " differs from the model (which holds "
                        + (volume.blocks.containsKey(first + i) ? "a write" : "zeros") + ")");
            }
        }
    }

    private static void expectFailure(Future<?> future, ErrorCode code, String what) {
        StrongroomException e = Await.failure(future, StrongroomException.class);
        assertEquals(code, e.code(), () -> what + ": " + e.getMessage());
    }

    private static int clip(ModelVolume volume, long at, int count) {
        return (int) Math.min(count, volume.blockCount - at);
    }

    private static byte[] content(ModelVolume volume, long at, int run, int seed) {
        byte[] bytes = new byte[volume.blockSize * run];
        for (int i = 0; i < run; i++) {
            System.arraycopy(block(volume, at + i, seed), 0, bytes, i * volume.blockSize, volume.blockSize);
        }
        return bytes;
    }

    private static void record(ModelVolume volume, long at, int run, int seed) {
        for (int i = 0; i < run; i++) {
            volume.blocks.put(at + i, block(volume, at + i, seed));
        }
    }

    /** A written block's bytes: they depend on its number too, so a block landing at the wrong place is seen. */
    private static byte[] block(ModelVolume volume, long blockNumber, int seed) {
        byte[] block = new byte[volume.blockSize];
        new SplittableRandom(seed * 1_000_003L + blockNumber).nextBytes(block);
        return block;
    }

    /** Closes the stack and deletes its directory. */
    @Override
    public void close() {
        try {
            if (stack != null) {
                Await.result(stack.close());
                stack = null;
            }
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            } catch (IOException e) {
                throw new AssertionError("could not delete " + dir, e);
            }
        }
    }
}
