package io.strongroom.nbd;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.core.metrics.PrometheusWriter;
import io.strongroom.core.testkit.Await;
import io.strongroom.core.volume.VolumeSpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NBD server over a real volume service (local-vault, local-file store), driven by the test client over TCP and
 * the Unix socket: the handshake and its options, reads and writes aligned and not, concurrent read-modify-write of
 * one block from two connections, FUA, FLUSH, TRIM, WRITE_ZEROES, errors that keep the connection, limits.
 */
@Timeout(300)
class NbdServerTest {
    private static final int BS = 8192;
    private static final long VOLUME_BYTES = 256L * BS;
    private static final AtomicInteger NAMES = new AtomicInteger();

    @TempDir
    static Path dir;

    private static NbdFixture fixture;
    private static NbdServer server;

    @BeforeAll
    static void start() {
        fixture = NbdFixture.start(dir, Duration.ofMinutes(10));
        server = fixture.serve(new NbdOptions()
                .setPort(0)
                .setSocketPath(dir.resolve("nbd.sock"))
                .setInstances(2));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            Await.result(server.close());
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private static String volume() {
        String name = "v" + NAMES.incrementAndGet();
        fixture.createVolume(name, VOLUME_BYTES);
        return name;
    }

    private static byte[] pattern(int length, int seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void greetingOffersFixedNewstyleAndNoZeroes() throws IOException {
        try (NbdTestClient c = NbdTestClient.tcp(server.port())) {
            assertEquals(NbdProtocol.FLAG_FIXED_NEWSTYLE | NbdProtocol.FLAG_NO_ZEROES, c.handshakeFlags);
        }
    }

    @Test
    void unknownClientFlagsCloseTheConnection() throws IOException {
        try (NbdTestClient c = NbdTestClient.tcp(server.port())) {
            c.clientFlags(NbdProtocol.FLAG_C_FIXED_NEWSTYLE | 1 << 7);
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void exportNameWithAndWithoutTheReservedZeroes() throws IOException {
        String v = volume();
        for (boolean noZeroes : new boolean[] {true, false}) {
            try (NbdTestClient c = NbdTestClient.tcp(server.port())) {
                c.clientFlags(NbdProtocol.FLAG_C_FIXED_NEWSTYLE | (noZeroes ? NbdProtocol.FLAG_C_NO_ZEROES : 0));
                c.option(NbdProtocol.OPT_EXPORT_NAME, v.getBytes(StandardCharsets.UTF_8));
                ByteBuffer answer = ByteBuffer.wrap(c.readRaw(10));
                assertEquals(VOLUME_BYTES, answer.getLong());
                assertEquals(expectedFlags(), answer.getShort() & 0xffff);
                if (!noZeroes) {
                    assertArrayEquals(new byte[124], c.readRaw(124));
                }
                // the stream is in step: a request is answered
                assertArrayEquals(new byte[BS], c.read(0, BS));
            }
        }
    }

    @Test
    void aClientWithoutFixedNewstyleGetsItsExportByName() throws IOException {
        String v = volume();
        try (NbdTestClient c = NbdTestClient.tcp(server.port())) {
            c.clientFlags(0);
            c.option(NbdProtocol.OPT_EXPORT_NAME, v.getBytes(StandardCharsets.UTF_8));
            assertEquals(VOLUME_BYTES, ByteBuffer.wrap(c.readRaw(10)).getLong());
            c.readRaw(124);
            c.write(BS, pattern(BS, 1));
            assertArrayEquals(pattern(BS, 1), c.read(BS, BS));
        }
    }

    @Test
    void exportNameOfAnUnknownVolumeClosesTheConnection() throws IOException {
        try (NbdTestClient c = NbdTestClient.tcp(server.port())) {
            c.clientFlags(NbdTestClient.FLAGS_FIXED_AND_NO_ZEROES);
            c.option(NbdProtocol.OPT_EXPORT_NAME, "no-such-volume".getBytes(StandardCharsets.UTF_8));
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void listNamesTheVolumes() throws IOException {
        String a = volume();
        String b = volume();
        try (NbdTestClient c = NbdTestClient.tcp(server.port())) {
            c.clientFlags(NbdTestClient.FLAGS_FIXED_AND_NO_ZEROES);
            List<String> names = c.list();
            assertTrue(names.containsAll(List.of(a, b)), names::toString);
            c.option(NbdProtocol.OPT_LIST, new byte[] {1});
            assertEquals(NbdProtocol.REP_ERR_INVALID, c.optionReply().type());
        }
    }

    @Test
    void infoAndGoGiveSizeFlagsAndBlockSizes() throws IOException {
        String v = volume();
        String small = "small-blocks-" + NAMES.incrementAndGet();
        Await.result(fixture.strongroom.createVolume(new VolumeSpec(small, 64 * 4096, 4096, null, null)));
        try (NbdTestClient c = NbdTestClient.tcp(server.port())) {
            c.clientFlags(NbdTestClient.FLAGS_FIXED_AND_NO_ZEROES);
            NbdTestClient.ExportInfo info = c.info(NbdProtocol.OPT_INFO, v);
            assertEquals(
                    new NbdTestClient.ExportInfo(
                            VOLUME_BYTES, expectedFlags(), 512, BS, NbdOptions.DEFAULT_MAX_REQUEST_BYTES),
                    info);
            assertEquals(4096, c.info(NbdProtocol.OPT_INFO, small).preferred());
            assertEquals(info, c.go(v));
            c.write(0, pattern(BS, 2));
            assertArrayEquals(pattern(BS, 2), c.read(0, BS));
        }
    }

    @Test
    void unknownExportsAndOptionsAreRefusedAndTheHandshakeGoesOn() throws IOException {
        String v = volume();
        try (NbdTestClient c = NbdTestClient.tcp(server.port())) {
            c.clientFlags(NbdTestClient.FLAGS_FIXED_AND_NO_ZEROES);
            c.option(NbdProtocol.OPT_INFO, NbdTestClient.infoRequest("no-such-volume"));
            NbdTestClient.OptionReply unknown = c.optionReply();
            assertEquals(NbdProtocol.REP_ERR_UNKNOWN, unknown.type());
            assertTrue(unknown.text().contains("no-such-volume"), unknown.text());
            c.option(NbdProtocol.OPT_GO, NbdTestClient.infoRequest(""));
            assertEquals(NbdProtocol.REP_ERR_UNKNOWN, c.optionReply().type(), "no default export");
            c.option(8, new byte[0]); // NBD_OPT_STRUCTURED_REPLY
            assertEquals(NbdProtocol.REP_ERR_UNSUP, c.optionReply().type());
            c.option(4242, new byte[] {1, 2, 3});
            assertEquals(NbdProtocol.REP_ERR_UNSUP, c.optionReply().type());
            c.option(NbdProtocol.OPT_STARTTLS, new byte[0]);
            assertEquals(NbdProtocol.REP_ERR_POLICY, c.optionReply().type(), "no TLS on this listener");
            c.option(NbdProtocol.OPT_GO, new byte[] {0, 0, 0, 9, 'x'});
            assertEquals(NbdProtocol.REP_ERR_INVALID, c.optionReply().type());
            assertEquals(VOLUME_BYTES, c.info(NbdProtocol.OPT_INFO, v).size());
            c.option(NbdProtocol.OPT_ABORT, new byte[0]);
            assertEquals(NbdProtocol.REP_ACK, c.optionReply().type());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void alignedAndUnalignedWritesAndReadsRoundTrip() throws IOException {
        String v = volume();
        byte[] model = new byte[16 * BS];
        try (NbdTestClient c = NbdTestClient.connect(server.port(), v)) {
            int seed = 10;
            // whole blocks, one and several
            seed = write(c, model, 0, 2 * BS, seed);
            seed = write(c, model, 4 * BS, BS, seed);
            // 512-byte sectors inside an 8 KiB block: first, middle, last
            seed = write(c, model, 4 * BS, 512, seed);
            seed = write(c, model, 4 * BS + 3584, 512, seed);
            seed = write(c, model, 5 * BS - 512, 512, seed);
            // 4 KiB halves (ext4 metadata): the second half of one block, the first of another
            seed = write(c, model, 6 * BS + 4096, 4096, seed);
            seed = write(c, model, 7 * BS, 4096, seed);
            // across block boundaries: partial head, whole middle, partial tail
            seed = write(c, model, 8 * BS + 4096, 2 * BS + 512, seed);
            // one byte, odd offsets (served although 512 is the advertised minimum)
            seed = write(c, model, 12 * BS + 7, 1, seed);
            write(c, model, 13 * BS - 3, 10, seed);
            assertArrayEquals(model, c.read(0, model.length));
            for (int[] r : new int[][] {{100, 1000}, {BS - 512, 1024}, {4 * BS + 512, 3072}, {8 * BS + 4095, 2 * BS}}) {
                assertArrayEquals(Arrays.copyOfRange(model, r[0], r[0] + r[1]), c.read(r[0], r[1]), "read " + r[0]);
            }
        }
        try (NbdTestClient c = NbdTestClient.connect(server.port(), v)) {
            assertArrayEquals(model, c.read(0, model.length), "another connection reads the same");
        }
    }

    /** The largest request, unaligned at both ends: cut into several volume-service calls each way. */
    @Test
    void theLargestRequestRoundTripsUnaligned() throws IOException {
        String v = "large-" + NAMES.incrementAndGet();
        fixture.createVolume(v, 40L * 1024 * 1024);
        int max = NbdOptions.DEFAULT_MAX_REQUEST_BYTES;
        byte[] data = pattern(max, 77);
        try (NbdTestClient c = NbdTestClient.connect(server.port(), v)) {
            c.write(4096, data);
            assertArrayEquals(data, c.read(4096, max));
            assertArrayEquals(new byte[4096], c.read(0, 4096), "the partial first block keeps its zeros");
        }
    }

    private static int write(NbdTestClient c, byte[] model, int offset, int length, int seed) throws IOException {
        byte[] data = pattern(length, seed);
        c.write(offset, data);
        System.arraycopy(data, 0, model, offset, length);
        return seed + 1;
    }

    @Test
    void theUnixSocketIsOwnerOnlyAndServesTheSameVolumes() throws IOException {
        String v = volume();
        Path socket = server.socketPath();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket)));
        try (NbdTestClient tcp = NbdTestClient.connect(server.port(), v)) {
            tcp.write(3 * BS, pattern(BS, 33));
        }
        try (NbdTestClient unix = NbdTestClient.unix(socket)) {
            unix.clientFlags(NbdTestClient.FLAGS_FIXED_AND_NO_ZEROES);
            assertTrue(unix.list().contains(v));
            unix.go(v);
            assertArrayEquals(pattern(BS, 33), unix.read(3 * BS, BS));
            unix.write(3 * BS + 512, pattern(512, 34));
            assertArrayEquals(pattern(512, 34), unix.read(3 * BS + 512, 512));
        }
    }

    /**
     * Two connections (TCP and the Unix socket, so two event loops as often as not) write interleaved 512-byte
     * sectors of the same 8 KiB blocks, every write of a round in flight at once: each is a read-modify-write of the
     * whole block, and none may lose another's update.
     */
    @Test
    void concurrentReadModifyWritesOfOneBlockLoseNoUpdate() throws Exception {
        String v = volume();
        int sectors = BS / 512;
        try (NbdTestClient a = NbdTestClient.connect(server.port(), v);
                NbdTestClient b = NbdTestClient.unix(server.socketPath())) {
            b.clientFlags(NbdTestClient.FLAGS_FIXED_AND_NO_ZEROES);
            b.go(v);
            for (int round = 0; round < 20; round++) {
                long block = round % 3;
                Map<Long, Integer> sentA = new HashMap<>();
                Map<Long, Integer> sentB = new HashMap<>();
                for (int s = 0; s < sectors; s++) {
                    NbdTestClient c = s % 2 == 0 ? a : b;
                    long cookie = c.send(NbdProtocol.CMD_WRITE, 0, block * BS + s * 512L, 512, sector(round, s));
                    (s % 2 == 0 ? sentA : sentB).put(cookie, s);
                }
                for (NbdTestClient c : List.of(a, b)) {
                    Map<Long, Integer> sent = c == a ? sentA : sentB;
                    for (int i = 0; i < sectors / 2; i++) {
                        NbdTestClient.Reply r = c.reply();
                        assertEquals(0, r.error());
                        assertTrue(sent.remove(r.cookie()) != null, "each cookie answered once");
                    }
                }
                byte[] read = a.read(block * BS, BS);
                for (int s = 0; s < sectors; s++) {
                    assertArrayEquals(
                            sector(round, s),
                            Arrays.copyOfRange(read, s * 512, s * 512 + 512),
                            "round " + round + " sector " + s);
                }
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> server.locksHeld() == 0);
    }

    /**
     * A whole-block write racing read-modify-writes of one sector of the same block, from another connection: the
     * sectors the read-modify-writes do not touch must hold the whole-block write afterwards (a read-modify-write
     * that read the block before the whole-block write and wrote it back after would bring the old ones back).
     */
    @Test
    void aWholeBlockWriteIsOrderedWithReadModifyWritesOfTheSameBlock() throws Exception {
        String v = volume();
        try (NbdTestClient rmw = NbdTestClient.connect(server.port(), v);
                NbdTestClient whole = NbdTestClient.unix(server.socketPath())) {
            whole.clientFlags(NbdTestClient.FLAGS_FIXED_AND_NO_ZEROES);
            whole.go(v);
            for (int round = 0; round < 30; round++) {
                for (int i = 0; i < 4; i++) {
                    rmw.send(NbdProtocol.CMD_WRITE, 0, 0, 512, sector(round, 100 + i));
                }
                byte[] block = new byte[BS];
                Arrays.fill(block, (byte) (round + 1));
                whole.send(NbdProtocol.CMD_WRITE, 0, 0, BS, block);
                for (int i = 0; i < 4; i++) {
                    assertEquals(0, rmw.reply().error());
                }
                assertEquals(0, whole.reply().error());
                byte[] read = rmw.read(0, BS);
                assertArrayEquals(
                        Arrays.copyOfRange(block, 512, BS),
                        Arrays.copyOfRange(read, 512, BS),
                        "round " + round + ": the sectors no read-modify-write touched hold the whole-block write");
            }
        }
    }

    private static byte[] sector(int round, int s) {
        byte[] b = new byte[512];
        Arrays.fill(b, (byte) (round * 31 + s + 1));
        return b;
    }

    @Test
    void pipelinedRequestsAreAnsweredEachWithItsCookie() throws IOException {
        String v = volume();
        try (NbdTestClient c = NbdTestClient.connect(server.port(), v)) {
            Map<Long, Integer> writes = new HashMap<>();
            for (int i = 0; i < 32; i++) {
                writes.put(c.send(NbdProtocol.CMD_WRITE, 0, (long) i * BS, BS, pattern(BS, 100 + i)), i);
            }
            for (int i = 0; i < 32; i++) {
                NbdTestClient.Reply r = c.reply();
                assertEquals(0, r.error());
                assertTrue(writes.remove(r.cookie()) != null);
            }
            Map<Long, Integer> reads = new HashMap<>();
            for (int i = 31; i >= 0; i--) {
                reads.put(c.send(NbdProtocol.CMD_READ, 0, (long) i * BS, BS, null), i);
            }
            for (int i = 0; i < 32; i++) {
                NbdTestClient.Reply r = c.reply();
                Integer block = reads.remove(r.cookie());
                assertArrayEquals(pattern(BS, 100 + block), r.data(), "block " + block);
            }
        }
    }

    /**
     * A client that sends many reads before it reads any reply: the server stops taking requests while its replies
     * wait in the socket's write queue, takes them again as the client drains it, and answers every one.
     */
    @Test
    void aClientThatReadsItsRepliesLateIsAnsweredInFull() throws IOException {
        String v = volume();
        int chunk = 256 * 1024; // far over the socket's write-queue mark, light on a loaded machine
        try (NbdTestClient c = NbdTestClient.connect(server.port(), v)) {
            c.write(0, pattern(chunk, 400));
            c.write(chunk, pattern(chunk, 401));
            Map<Long, Integer> sent = new HashMap<>();
            for (int i = 0; i < 48; i++) {
                sent.put(c.send(NbdProtocol.CMD_READ, 0, (long) (i % 2) * chunk, chunk, null), i % 2);
            }
            for (int i = 0; i < 48; i++) {
                NbdTestClient.Reply r = c.reply();
                assertArrayEquals(pattern(chunk, 400 + sent.remove(r.cookie())), r.data());
            }
        }
    }

    @Test
    void fuaWritesAndFlushesReachTheDisk() throws IOException {
        String v = volume();
        try (NbdTestClient c = NbdTestClient.connect(server.port(), v)) {
            long syncs = fixture.storeCounter("strongroom_store_journal_syncs_total");
            NbdTestClient.Reply fua = c.call(NbdProtocol.CMD_WRITE, NbdProtocol.CMD_FLAG_FUA, 0, BS, pattern(BS, 5));
            assertEquals(0, fua.error());
            assertTrue(
                    fixture.storeCounter("strongroom_store_journal_syncs_total") > syncs,
                    "a FUA write is synced although the store's durability is none");
            long flushes = fixture.strongroom.storage().blocks().stats().flushes();
            c.write(BS, pattern(BS, 6));
            assertEquals(0, c.call(NbdProtocol.CMD_FLUSH, 0, 0, 0, null).error());
            assertTrue(fixture.strongroom.storage().blocks().stats().flushes() > flushes);
            assertEquals(
                    0,
                    c.call(NbdProtocol.CMD_FLUSH, NbdProtocol.CMD_FLAG_FUA, 0, 0, null)
                            .error());
            assertEquals(
                    0,
                    c.call(NbdProtocol.CMD_READ, NbdProtocol.CMD_FLAG_FUA, 0, BS, null)
                            .error());
            assertArrayEquals(pattern(BS, 5), c.read(0, BS));
        }
    }

    @Test
    void trimZeroesWholeBlocksOnlyAndWriteZeroesZeroesEveryByte() throws IOException {
        String v = volume();
        byte[] model = pattern(8 * BS, 7);
        try (NbdTestClient c = NbdTestClient.connect(server.port(), v)) {
            c.write(0, model);
            long trims = fixture.strongroom.storage().blocks().stats().trims();
            // TRIM from the middle of block 0 to just past the start of block 3: blocks 1 and 2 only
            assertEquals(
                    0,
                    c.call(NbdProtocol.CMD_TRIM, 0, 4096, 3 * BS + 100 - 4096, null)
                            .error());
            Arrays.fill(model, BS, 3 * BS, (byte) 0);
            assertArrayEquals(model, c.read(0, 8 * BS));
            assertTrue(fixture.strongroom.storage().blocks().stats().trims() > trims);
            // a TRIM inside one block changes nothing
            assertEquals(
                    0,
                    c.call(NbdProtocol.CMD_TRIM, NbdProtocol.CMD_FLAG_FUA, 3 * BS + 512, 1024, null)
                            .error());
            assertArrayEquals(model, c.read(0, 8 * BS));
            // WRITE_ZEROES over partial edges and whole blocks, with and without NO_HOLE
            assertEquals(
                    0,
                    c.call(NbdProtocol.CMD_WRITE_ZEROES, 0, 4 * BS + 512, 2 * BS + 1024, null)
                            .error());
            Arrays.fill(model, 4 * BS + 512, 6 * BS + 1536, (byte) 0);
            int flags = NbdProtocol.CMD_FLAG_NO_HOLE | NbdProtocol.CMD_FLAG_FUA;
            assertEquals(
                    0,
                    c.call(NbdProtocol.CMD_WRITE_ZEROES, flags, 7 * BS + 100, 200, null)
                            .error());
            Arrays.fill(model, 7 * BS + 100, 7 * BS + 300, (byte) 0);
            assertArrayEquals(model, c.read(0, 8 * BS));
        }
    }

    @Test
    void badRangesFlagsAndCommandsAreRefusedAndTheConnectionLivesOn() throws IOException {
        String v = volume();
        try (NbdTestClient c = NbdTestClient.connect(server.port(), v)) {
            assertEquals(
                    NbdProtocol.EINVAL,
                    c.call(NbdProtocol.CMD_READ, 0, VOLUME_BYTES - 512, 1024, null)
                            .error());
            assertEquals(
                    NbdProtocol.EINVAL,
                    c.call(NbdProtocol.CMD_READ, 0, -BS, BS, null).error(),
                    "2^64 - 8192");
            assertEquals(
                    NbdProtocol.ENOSPC,
                    c.call(NbdProtocol.CMD_WRITE, 0, VOLUME_BYTES, 512, new byte[512])
                            .error(),
                    "a write past the end is ENOSPC, as the specification asks");
            assertEquals(
                    NbdProtocol.ENOSPC,
                    c.call(NbdProtocol.CMD_WRITE_ZEROES, 0, VOLUME_BYTES, 1, null)
                            .error());
            assertEquals(
                    NbdProtocol.EINVAL,
                    c.call(NbdProtocol.CMD_TRIM, 0, VOLUME_BYTES - BS, 2 * BS, null)
                            .error());
            assertEquals(NbdProtocol.EINVAL, c.call(42, 0, 0, BS, null).error(), "unknown command");
            assertEquals(NbdProtocol.EINVAL, c.call(5, 0, 0, BS, null).error(), "NBD_CMD_CACHE is not offered");
            assertEquals(
                    NbdProtocol.EINVAL,
                    c.call(NbdProtocol.CMD_READ, 1 << 4, 0, BS, null).error());
            assertEquals(
                    NbdProtocol.EINVAL,
                    c.call(NbdProtocol.CMD_WRITE, NbdProtocol.CMD_FLAG_NO_HOLE, 0, 512, new byte[512])
                            .error());
            assertEquals(0, c.call(NbdProtocol.CMD_READ, 0, 0, 0, null).error(), "an empty read is answered");
            c.write(VOLUME_BYTES - BS, pattern(BS, 8));
            assertArrayEquals(pattern(BS, 8), c.read(VOLUME_BYTES - BS, BS));
        }
        assertTrue(server.metrics().count("read", "EINVAL") >= 2);
        assertTrue(server.metrics().count("other", "EINVAL") >= 2);
    }

    @Test
    void oversizeRequestsAreRefusedAndAbsurdOnesCloseTheConnection() throws IOException {
        String v = volume();
        NbdServer small = fixture.serve(new NbdOptions()
                .setPort(0)
                .setMaxRequestBytes(NbdOptions.MIN_MAX_REQUEST_BYTES)
                .setMaxConnectionBytesInFlight(NbdOptions.MIN_MAX_REQUEST_BYTES));
        try (NbdTestClient c = NbdTestClient.connect(small.port(), v)) {
            int twice = 2 * NbdOptions.MIN_MAX_REQUEST_BYTES;
            assertEquals(
                    NbdProtocol.EINVAL,
                    c.call(NbdProtocol.CMD_WRITE, 0, 0, twice, pattern(twice, 9))
                            .error(),
                    "payload read, dropped and refused");
            assertEquals(
                    NbdProtocol.EINVAL,
                    c.call(NbdProtocol.CMD_READ, 0, 0, twice, null).error());
            assertArrayEquals(new byte[BS], c.read(0, BS), "nothing of the refused write was written");
            // 16 writes of the largest size in flight at once: the connection is paused past its bound, not broken
            Map<Long, Integer> sent = new HashMap<>();
            int max = NbdOptions.MIN_MAX_REQUEST_BYTES;
            for (int i = 0; i < 16; i++) {
                sent.put(c.send(NbdProtocol.CMD_WRITE, 0, (long) (i % 2) * max, max, pattern(max, 200 + i)), i);
            }
            for (int i = 0; i < 16; i++) {
                NbdTestClient.Reply r = c.reply();
                assertEquals(0, r.error());
                assertTrue(sent.remove(r.cookie()) != null);
            }
            // a write longer than 2^25 bytes is a denial of service: the connection is dropped, not read through
            c.send(NbdProtocol.CMD_WRITE, 0, 0, (1L << 25) + 512, null);
            assertTrue(c.closedByServer());
        } finally {
            Await.result(small.close());
        }
    }

    @Test
    void aClientThatDiesMidRequestChangesNothingAndTheServerGoesOn() throws IOException {
        String v = volume();
        int before = server.metrics().connectionsOpen();
        int client;
        try (ConnectionLog log = new ConnectionLog();
                NbdTestClient c = NbdTestClient.connect(server.port(), v)) {
            client = c.localPort();
            ByteBuffer header = ByteBuffer.allocate(NbdProtocol.REQUEST_HEADER_BYTES)
                    .putInt(NbdProtocol.REQUEST_MAGIC)
                    .putShort((short) 0)
                    .putShort((short) NbdProtocol.CMD_WRITE)
                    .putLong(1)
                    .putLong(2 * BS)
                    .putInt(BS);
            c.sendRaw(header.array());
            c.sendRaw(pattern(BS / 2, 11));
            c.close();
            LogRecord end = log.endOf(client);
            assertEquals(Level.WARNING, end.getLevel(), () -> text(end));
            assertTrue(text(end).contains("half sent"), () -> text(end));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> server.metrics().connectionsOpen() <= before);
        try (NbdTestClient c = NbdTestClient.connect(server.port(), v)) {
            assertArrayEquals(new byte[BS], c.read(2 * BS, BS));
        }
    }

    /**
     * A close the client did not ask for is one WARNING naming the reason, the export and the client's address, with
     * none of the bytes the client sent.
     */
    @Test
    void aRequestWithoutItsMagicClosesTheConnectionWithOneWarningSayingWhy() throws IOException {
        String v = volume();
        try (ConnectionLog log = new ConnectionLog();
                NbdTestClient c = NbdTestClient.connect(server.port(), v)) {
            c.sendRaw(ByteBuffer.allocate(NbdProtocol.REQUEST_HEADER_BYTES)
                    .putInt(0x0badf00d)
                    .array());
            assertTrue(c.closedByServer());
            LogRecord end = log.endOf(c.localPort());
            String text = text(end);
            assertEquals(Level.WARNING, end.getLevel(), text);
            assertTrue(text.contains("closed: a request without the request magic"), text);
            assertTrue(text.contains(" to export " + v + " "), text);
            assertFalse(text.toLowerCase(Locale.ROOT).contains("badf00d"), text);
        }
    }

    @Test
    void aClientThatSendsDiscOrLeavesBetweenRequestsIsLoggedAtDebugOnly() throws IOException {
        String v = volume();
        try (ConnectionLog log = new ConnectionLog()) {
            int disc;
            try (NbdTestClient c = NbdTestClient.connect(server.port(), v)) {
                disc = c.localPort();
                c.write(0, pattern(BS, 13));
                c.disconnect();
                assertTrue(c.closedByServer());
            }
            int eof;
            try (NbdTestClient c = NbdTestClient.connect(server.port(), v)) {
                eof = c.localPort();
                c.write(BS, pattern(BS, 14));
            }
            LogRecord afterDisc = log.endOf(disc);
            assertEquals(Level.FINE, afterDisc.getLevel(), () -> text(afterDisc));
            assertTrue(text(afterDisc).contains("NBD_CMD_DISC"), () -> text(afterDisc));
            LogRecord afterEof = log.endOf(eof);
            assertEquals(Level.FINE, afterEof.getLevel(), () -> text(afterEof));
            assertTrue(text(afterEof).contains("the client closed the connection ("), () -> text(afterEof));
        }
    }

    @Test
    void disconnectAnswersTheRequestsInFlightFirst() throws IOException {
        String v = volume();
        try (NbdTestClient c = NbdTestClient.connect(server.port(), v)) {
            List<Long> cookies = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                cookies.add(c.send(NbdProtocol.CMD_WRITE, 0, (long) i * BS, BS, pattern(BS, 300 + i)));
            }
            c.disconnect();
            for (int i = 0; i < 8; i++) {
                NbdTestClient.Reply r = c.reply();
                assertEquals(0, r.error());
                assertTrue(cookies.remove((Long) r.cookie()));
            }
            assertTrue(c.closedByServer());
        }
        try (NbdTestClient c = NbdTestClient.connect(server.port(), v)) {
            for (int i = 0; i < 8; i++) {
                assertArrayEquals(pattern(BS, 300 + i), c.read((long) i * BS, BS));
            }
        }
    }

    @Test
    void closingTheServerEndsItsConnectionsAndRemovesTheSocket() throws IOException {
        String v = volume();
        Path socket = dir.resolve("closing.sock");
        NbdServer closing = fixture.serve(new NbdOptions().setPort(0).setSocketPath(socket));
        int port = closing.port();
        try (NbdTestClient inTransmission = NbdTestClient.connect(port, v);
                NbdTestClient inHandshake = NbdTestClient.unix(socket)) {
            inTransmission.write(0, pattern(BS, 13));
            Await.result(closing.close());
            assertTrue(inTransmission.closedByServer());
            assertTrue(inHandshake.closedByServer());
        }
        assertFalse(Files.exists(socket), "socket file removed");
        try (Socket refused = new Socket()) {
            assertThrows(IOException.class, () -> refused.connect(new InetSocketAddress("127.0.0.1", port), 10_000));
        }
        try (NbdTestClient c = NbdTestClient.connect(server.port(), v)) {
            assertArrayEquals(pattern(BS, 13), c.read(0, BS), "the write answered before the close is there");
        }
    }

    @Test
    void metricsCountRequestsBytesAndConnections() throws IOException {
        String v = volume();
        long writes = server.metrics().count("write", "ok");
        try (NbdTestClient c = NbdTestClient.connect(server.port(), v)) {
            c.write(0, pattern(BS, 12));
            c.read(0, BS);
            assertTrue(server.metrics().connectionsOpen() >= 1);
        }
        assertEquals(writes + 1, server.metrics().count("write", "ok"));
        PrometheusWriter out = new PrometheusWriter();
        server.metrics().writeTo(out);
        String page = out.toString();
        for (String family : List.of(
                "strongroom_nbd_request_duration_seconds_count{command=\"write\",result=\"ok\"}",
                "strongroom_nbd_read_bytes_total",
                "strongroom_nbd_write_bytes_total",
                "strongroom_nbd_connections_open")) {
            assertTrue(page.contains(family), () -> family + " in\n" + page);
        }
    }

    /**
     * The records of {@code NbdConnection}'s logger, every level, while open ({@link System.Logger} lands in
     * java.util.logging).
     */
    private static final class ConnectionLog extends Handler implements AutoCloseable {
        private static final Logger LOGGER = Logger.getLogger(NbdConnection.class.getName());
        private final List<LogRecord> records = new CopyOnWriteArrayList<>();
        private final Level previous = LOGGER.getLevel();

        ConnectionLog() {
            LOGGER.setLevel(Level.ALL);
            LOGGER.addHandler(this);
        }

        /**
         * The one record saying how the connection from {@code clientPort} ended, once it has: its reason is logged
         * before it is counted closed, so once no connection is open, no other record of it can follow.
         */
        LogRecord endOf(int clientPort) {
            String from = "NBD connection from 127.0.0.1:" + clientPort + " ";
            await().atMost(Duration.ofSeconds(60)).until(() -> server.metrics().connectionsOpen() == 0);
            List<LogRecord> ends =
                    records.stream().filter(r -> text(r).startsWith(from)).toList();
            assertEquals(
                    1,
                    ends.size(),
                    () -> from + ": " + ends.stream().map(NbdServerTest::text).toList());
            return ends.get(0);
        }

        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {
            LOGGER.removeHandler(this);
            LOGGER.setLevel(previous);
        }
    }

    private static String text(LogRecord record) {
        return new SimpleFormatter().formatMessage(record);
    }

    private static int expectedFlags() {
        return NbdProtocol.FLAG_HAS_FLAGS
                | NbdProtocol.FLAG_SEND_FLUSH
                | NbdProtocol.FLAG_SEND_FUA
                | NbdProtocol.FLAG_SEND_TRIM
                | NbdProtocol.FLAG_SEND_WRITE_ZEROES
                | NbdProtocol.FLAG_CAN_MULTI_CONN;
    }
}
