package io.strongroom.core.volume;

import static io.strongroom.core.volume.VolumeTestKit.awaitFailure;
import static io.strongroom.core.volume.VolumeTestKit.pattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.testkit.Await;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BlockIoTest extends WithVolumeKit {
    static final int BS = 8192;
    static final int BLOCKS = 64;

    @BeforeEach
    void start() {
        Await.result(kit.service.create(new VolumeSpec("vol", (long) BS * BLOCKS)));
    }

    @Test
    void neverWrittenBlocksReadAsZeros() {
        Buffer zeros = Await.result(kit.service.read("vol", 0, BLOCKS));
        assertEquals(BS * BLOCKS, zeros.length());
        assertEquals(Buffer.buffer(new byte[BS * BLOCKS]), zeros);
    }

    @Test
    void singleBlocksAndRunsReadBack() {
        Buffer one = pattern(BS, 1, 1);
        Await.result(kit.service.write("vol", 7, one));
        assertEquals(one, Await.result(kit.service.read("vol", 7, 1)));

        Buffer run = pattern(BS, 16, 2);
        Await.result(kit.service.write("vol", 20, run));
        assertEquals(run, Await.result(kit.service.read("vol", 20, 16)));
        assertEquals(run.slice(3 * BS, 8 * BS), Await.result(kit.service.read("vol", 23, 5)));

        // A read spanning written and never-written blocks.
        Buffer mixed = Await.result(kit.service.read("vol", 6, 3));
        assertEquals(Buffer.buffer(new byte[BS]), mixed.slice(0, BS));
        assertEquals(one, mixed.slice(BS, 2 * BS));
        assertEquals(Buffer.buffer(new byte[BS]), mixed.slice(2 * BS, 3 * BS));

        // Last block of the volume, and an overwrite.
        Await.result(kit.service.write("vol", BLOCKS - 1, pattern(BS, 1, 3)));
        Await.result(kit.service.write("vol", BLOCKS - 1, pattern(BS, 1, 4)));
        assertEquals(pattern(BS, 1, 4), Await.result(kit.service.read("vol", BLOCKS - 1, 1)));

        VolumeCounters c = Await.result(kit.service.get("vol")).counters();
        assertEquals(4, c.writes());
        assertEquals(19L * BS, c.bytesIn());
        assertEquals(5, c.reads());
        assertEquals((1 + 16 + 5 + 3 + 1) * (long) BS, c.bytesOut());
        assertEquals(19, c.dekInvocations());
    }

    @Test
    void trimmedBlocksReadAsZeros() {
        Await.result(kit.service.write("vol", 0, pattern(BS, 8, 9)));
        Await.result(kit.service.trim("vol", 2, 3));
        Buffer after = Await.result(kit.service.read("vol", 0, 8));
        Buffer expected = pattern(BS, 8, 9);
        expected.setBytes(2 * BS, new byte[3 * BS]);
        assertEquals(expected, after);
        Await.result(kit.service.flush("vol"));
    }

    @Test
    void writesFromAnEventLoopWork() {
        Buffer data = pattern(BS, 4, 11);
        Promise<Buffer> result = Promise.promise();
        kit.vertx.runOnContext(v -> kit.service
                .write("vol", 10, data)
                .compose(x -> kit.service.read("vol", 10, 4))
                .onComplete(result));
        assertEquals(data, Await.result(result.future()));
    }

    @Test
    void restartReadsBack() {
        Buffer data = pattern(BS, 10, 12);
        Await.result(kit.service.write("vol", 30, data));
        kit.restart();
        assertEquals(data, Await.result(kit.service.read("vol", 30, 10)));
        assertEquals(Buffer.buffer(new byte[BS]), Await.result(kit.service.read("vol", 29, 1)));
    }

    @Test
    void dataFilesHoldNoPlaintext() throws Exception {
        // A pattern that is easy to find: each block is one repeated 16-byte marker.
        byte[] marker = "STRONGROOM-PLAIN".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] block = new byte[BS * 4];
        for (int i = 0; i < block.length; i++) {
            block[i] = marker[i % marker.length];
        }
        Await.result(kit.service.write("vol", 0, Buffer.buffer(block)));
        Await.result(kit.service.flush("vol"));
        kit.restart(); // everything journalled and checkpointed to disk
        assertEquals(Buffer.buffer(block), Await.result(kit.service.read("vol", 0, 4)));

        long scanned = kit.storeFiles()
                .mapToLong(f -> {
                    try {
                        byte[] content = Files.readAllBytes(f);
                        assertEquals(-1, indexOf(content, marker), () -> "plaintext marker found in " + f);
                        assertEquals(
                                -1,
                                indexOf(content, java.util.Arrays.copyOf(block, 64)),
                                () -> "plaintext found in " + f);
                        return content.length;
                    } catch (java.io.IOException e) {
                        throw new AssertionError(e);
                    }
                })
                .sum();
        assertTrue(scanned >= 4L * BS, "the data files hold the sealed blocks (" + scanned + " bytes scanned)");
    }

    @Test
    void badRequestsAreRefusedAndChangeNothing() throws Exception {
        Await.result(kit.service.write("vol", 0, pattern(BS, 2, 13)));
        Await.result(kit.service.flush("vol"));
        Map<String, String> before = fileHashes();

        awaitFailure(kit.service.write("vol", 0, Buffer.buffer(new byte[BS - 1])), ErrorCode.BadBodyLength);
        awaitFailure(kit.service.write("vol", 0, Buffer.buffer(new byte[BS + 1])), ErrorCode.BadBodyLength);
        awaitFailure(kit.service.write("vol", 0, Buffer.buffer()), ErrorCode.BadBodyLength);
        awaitFailure(kit.service.write("vol", BLOCKS, pattern(BS, 1, 1)), ErrorCode.BlockOutOfRange);
        awaitFailure(kit.service.write("vol", BLOCKS - 1, pattern(BS, 2, 1)), ErrorCode.BlockOutOfRange);
        awaitFailure(kit.service.write("vol", -1, pattern(BS, 1, 1)), ErrorCode.BlockOutOfRange);
        awaitFailure(kit.service.write("vol", Long.MAX_VALUE, pattern(BS, 1, 1)), ErrorCode.BlockOutOfRange);
        awaitFailure(kit.service.read("vol", BLOCKS, 1), ErrorCode.BlockOutOfRange);
        awaitFailure(kit.service.read("vol", 60, 5), ErrorCode.BlockOutOfRange);
        awaitFailure(kit.service.read("vol", 0, 0), ErrorCode.InvalidArgument);
        awaitFailure(kit.service.trim("vol", 63, 2), ErrorCode.BlockOutOfRange);
        awaitFailure(kit.service.trim("vol", 0, 0), ErrorCode.InvalidArgument);
        awaitFailure(kit.service.write("nope", 0, pattern(BS, 1, 1)), ErrorCode.VolumeNotFound);
        awaitFailure(kit.service.trim("nope", 0, 1), ErrorCode.VolumeNotFound);
        awaitFailure(kit.service.flush("nope"), ErrorCode.VolumeNotFound);
        assertEquals(OptionalInt.empty(), kit.service.blockSize("nope"));

        Await.result(kit.service.flush("vol"));
        assertEquals(before, fileHashes(), "refused requests left every file unchanged");
        assertEquals(pattern(BS, 2, 13), Await.result(kit.service.read("vol", 0, 2)));
        assertEquals(1, Await.result(kit.service.get("vol")).counters().writes(), "refused writes are not counted");
    }

    private Map<String, String> fileHashes() {
        Map<String, String> hashes = new TreeMap<>();
        kit.storeFiles().forEach(f -> {
            try {
                hashes.put(
                        kit.storeDir.relativize(f).toString(),
                        HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        return hashes;
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
