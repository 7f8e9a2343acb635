package io.strongroom.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real NBD clients against the gateway jar's NBD frontend: what nbdinfo sees, byte-exact round trips through
 * nbdcopy and qemu-img, fio's own checksummed verification, and an ext4 file system built through the
 * nbdfuse → loop chain that e2fsck finds clean. Each test has its own volume.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NbdInteropTest {
    private static final long MIB = 1L << 20;
    private static final long IMAGE_BYTES = 256 * MIB;
    /** Bounds a hang of one client run on a loaded 2-core machine; not a performance assertion. */
    private static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(10);

    private static final String FLUSHES_OK =
            "strongroom_nbd_request_duration_seconds_count{command=\"flush\",result=\"ok\"}";

    private Path work;
    private Path logs;
    private StrongroomGateway server;

    @BeforeAll
    void startServer(@TempDir Path dir) {
        work = dir;
        logs = TestFiles.logDir("NbdInteropTest");
        server = StrongroomGateway.start(work.resolve("data"), logs, List.of());
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void nbdinfoSeesTheVolumeSizeBlockSizesAndFlags() {
        Tools.require("nbdinfo");
        long size = 64 * MIB;
        String uri = server.createExport("info", size);
        ExternalProcess info =
                ExternalProcess.runOk("nbdinfo", logs, CLIENT_TIMEOUT, List.of("nbdinfo", "--json", uri));
        JsonObject export =
                new JsonObject(info.output()).getJsonArray("exports").getJsonObject(0);
        String json = export.encodePrettily();
        assertEquals("info", export.getString("export-name"), json);
        assertEquals(size, export.getLong("export-size"), json);
        assertEquals(512, export.getInteger("block_size_minimum"), json);
        assertEquals(8192, export.getInteger("block_size_preferred"), json);
        assertEquals(32 * MIB, export.getLong("block_size_maximum"), json);
        for (String flag : List.of("can_flush", "can_fua", "can_trim", "can_zero", "can_multi_conn")) {
            assertEquals(Boolean.TRUE, export.getBoolean(flag), () -> flag + " in " + json);
        }
        assertEquals(Boolean.FALSE, export.getBoolean("is_read_only"), json);
    }

    /**
     * nbdcopy's load spelled out rather than left to its defaults, which follow the runner's cores (threads, and
     * connections up to 4): four connections (spread over the gateway's event loops, all writing the fresh volume at
     * once) with up to 64 requests of 256 KiB in flight each.
     */
    @Test
    void nbdcopyRoundTripsA256MiBImage() {
        Tools.require("nbdcopy");
        String uri = server.createExport("nbdcopy", IMAGE_BYTES);
        Path in = TestFiles.randomImage(work.resolve("nbdcopy-in.img"), IMAGE_BYTES, 1);
        Path out = work.resolve("nbdcopy-out.img");
        List<String> load = List.of("--connections=4", "--threads=4", "--requests=64", "--request-size=262144");
        ExternalProcess.runOk("nbdcopy-in", logs, CLIENT_TIMEOUT, nbdcopy(load, in.toString(), uri));
        ExternalProcess.runOk("nbdcopy-out", logs, CLIENT_TIMEOUT, nbdcopy(load, uri, out.toString()));
        assertEquals(TestFiles.sha256(in), TestFiles.sha256(out), "nbdcopy read back other bytes than it wrote");
    }

    private static List<String> nbdcopy(List<String> options, String source, String destination) {
        List<String> command = new ArrayList<>(List.of("nbdcopy"));
        command.addAll(options);
        command.addAll(List.of(source, destination));
        return command;
    }

    @Test
    void qemuImgConvertRoundTripsA256MiBImage() {
        Tools.require("qemu-img");
        String uri = server.createExport("qemu", IMAGE_BYTES);
        Path in = TestFiles.randomImage(work.resolve("qemu-in.img"), IMAGE_BYTES, 2);
        Path out = work.resolve("qemu-out.img");
        ExternalProcess.runOk(
                "qemu-img-in",
                logs,
                CLIENT_TIMEOUT,
                List.of("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", in.toString(), uri));
        ExternalProcess.runOk(
                "qemu-img-out",
                logs,
                CLIENT_TIMEOUT,
                List.of("qemu-img", "convert", "-f", "raw", "-O", "raw", uri, out.toString()));
        assertEquals(TestFiles.sha256(in), TestFiles.sha256(out), "qemu-img read back other bytes than it wrote");
    }

    @Test
    void fioRandomWritesVerifyWithCrc32c() {
        Tools.require("fio");
        String uri = server.createExport("fio", 128 * MIB);
        // Two jobs on separate halves: whole 8 KiB blocks, and 4 KiB writes (half a block: read-modify-write).
        List<String> jobs = List.of(
                "fio",
                "--ioengine=nbd",
                "--uri=" + uri,
                "--rw=randwrite",
                "--iodepth=16",
                "--verify=crc32c",
                "--randseed=1234",
                "--verify_state_save=0",
                "--name=whole-blocks",
                "--bs=8k",
                "--offset=0",
                "--size=64m",
                "--name=half-blocks",
                "--bs=4k",
                "--offset=64m",
                "--size=64m");
        ExternalProcess write =
                ExternalProcess.runOk("fio-write", logs, CLIENT_TIMEOUT, withFirst(jobs, "--do_verify=0"));
        ExternalProcess verify =
                ExternalProcess.runOk("fio-verify", logs, CLIENT_TIMEOUT, withFirst(jobs, "--verify_only"));
        // fio exits non-zero on a block whose checksum or header does not match; both passes moved all 128 MiB.
        assertTrue(write.output().matches("(?s).*WRITE: bw=.*io=128MiB.*"), write::output);
        assertTrue(verify.output().matches("(?s).*READ: bw=.*io=128MiB.*"), verify::output);
    }

    @Test
    void ext4ThroughNbdfuseAndLoopIsCleanAfterWritingFiles() {
        Tools.require("nbdfuse", "fusermount3", "losetup", "mkfs.ext4", "e2fsck");
        Tools.requireRoot();
        String uri = server.createExport("ext4", 512 * MIB);
        double flushesBefore = server.metric(FLUSHES_OK);
        Path mount = work.resolve("ext4-mnt");
        Path script =
                Path.of(System.getProperty("strongroom.scripts", "scripts")).resolve("ext4-check.sh");
        ExternalProcess check = ExternalProcess.runOk(
                "ext4-check",
                logs,
                CLIENT_TIMEOUT,
                List.of(
                        "bash",
                        script.toString(),
                        uri,
                        mount.toString(),
                        work.resolve("ext4-files").toString()));
        assertTrue(check.output().contains("e2fsck: clean"), check::output);
        assertTrue(check.output().contains("files: same after remount"), check::output);
        // The chain's durability: sync and umount reach the gateway as NBD_CMD_FLUSH (the loop device sends no FUA).
        assertTrue(server.metric(FLUSHES_OK) > flushesBefore, "no NBD flush reached the gateway through the chain");
        assertTrue(Files.isDirectory(mount));
    }

    private static List<String> withFirst(List<String> command, String option) {
        return java.util.stream.Stream.concat(
                        java.util.stream.Stream.of(command.get(0), option),
                        command.stream().skip(1))
                .toList();
    }
}
