package io.strongroom.loadtest.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strongroom.loadtest.cli.CommandLine;
import org.junit.jupiter.api.Test;

class NbdTargetTest {

    @Test
    void tcpAndUnixSocketUris() {
        NbdTarget tcp = NbdTarget.parse("nbd://127.0.0.1:10810/pg");
        assertEquals("127.0.0.1", tcp.host());
        assertEquals(10810, tcp.port());
        assertNull(tcp.socketPath());
        assertEquals("pg", tcp.export());
        assertEquals(NbdTarget.DEFAULT_PORT, NbdTarget.parse("nbd://localhost/").port());
        assertEquals("", NbdTarget.parse("nbd://localhost").export());

        NbdTarget unix = NbdTarget.parse("nbd+unix:///my%20vol?socket=/run/strongroom/nbd.sock");
        assertEquals("/run/strongroom/nbd.sock", unix.socketPath());
        assertEquals("my vol", unix.export());
        assertEquals("nbd+unix:///my vol?socket=/run/strongroom/nbd.sock", unix.toString());
    }

    @Test
    void badUrisAndFlagsAreRefusedWithTheirName() {
        assertThrows(IllegalArgumentException.class, () -> NbdTarget.parse("nbd+unix:///pg"));
        assertThrows(IllegalArgumentException.class, () -> NbdTarget.parse("nbds://host/pg"));
        assertMessage("all NBD or all HTTP", "--target", "nbd://h/a,http://h:8080");
        assertMessage("--create-volumes", "--target", "nbd://h/a", "--create-volumes");
        assertMessage("--http2", "--target", "nbd://h/a", "--http2");
        assertMessage("--verify: NBD targets only", "--target", "http://h:8080", "--verify");
        assertMessage("--flush-every: NBD targets only", "--target", "http://h:8080", "--flush-every", "8");
        assertMessage("nbd+unix target needs ?socket=PATH", "--target", "nbd+unix:///a");
        assertMessage("--nbd: with --embedded only", "--nbd");
        assertTrue(CommandLine.parse("--embedded", "--nbd", "--verify").load().embeddedNbd());
        CommandLine.Command c = CommandLine.parse(
                "--target", "nbd://h/a", "--streams", "16", "--flush-every", "8", "--fua", "--verify");
        assertTrue(c.load().nbd() && c.load().fua() && c.load().verify());
        assertEquals(8, c.load().flushEvery());
        assertEquals("nbd", c.load().toMap().get("protocol"));
    }

    private static void assertMessage(String expected, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CommandLine.parse(args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
