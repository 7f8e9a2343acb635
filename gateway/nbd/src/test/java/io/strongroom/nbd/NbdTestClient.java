package io.strongroom.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A small blocking NBD client written from the protocol specification, for the tests: every step of the fixed
 * newstyle handshake can be driven by hand (wrong magic, odd flags, options in any order), and requests can be
 * pipelined (send several, read the replies in whatever order they come).
 */
final class NbdTestClient implements AutoCloseable {
    static final int FLAGS_FIXED_AND_NO_ZEROES = NbdProtocol.FLAG_C_FIXED_NEWSTYLE | NbdProtocol.FLAG_C_NO_ZEROES;

    /** One option reply. */
    record OptionReply(int option, int type, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** What NBD_OPT_INFO / NBD_OPT_GO said about an export. */
    record ExportInfo(long size, int flags, int minimum, int preferred, int maximum) {}

    /** One simple reply; {@code data} only for a successful read. */
    record Reply(long cookie, int error, byte[] data) {}

    private Socket tcp;
    private final SocketChannel unix;
    private DataInputStream in;
    private DataOutputStream out;
    private final Map<Long, Integer> pendingReads = new HashMap<>();
    private long nextCookie = 1;
    int handshakeFlags;

    private NbdTestClient(Socket tcp, SocketChannel unix, InputStream in, OutputStream out) {
        this.tcp = tcp;
        this.unix = unix;
        this.in = new DataInputStream(in);
        this.out = new DataOutputStream(out);
    }

    /** Connects and reads the server's greeting (the magic numbers are checked). */
    static NbdTestClient tcp(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(120_000);
        s.setTcpNoDelay(true);
        NbdTestClient c = new NbdTestClient(s, null, s.getInputStream(), s.getOutputStream());
        c.greeting();
        return c;
    }

    static NbdTestClient unix(Path socket) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        NbdTestClient c = new NbdTestClient(null, ch, Channels.newInputStream(ch), Channels.newOutputStream(ch));
        c.greeting();
        return c;
    }

    private void greeting() throws IOException {
        assertEquals(NbdProtocol.NBDMAGIC, in.readLong(), "NBDMAGIC");
        assertEquals(NbdProtocol.IHAVEOPT, in.readLong(), "IHAVEOPT");
        handshakeFlags = in.readUnsignedShort();
    }

    void clientFlags(int flags) throws IOException {
        out.writeInt(flags);
        out.flush();
    }

    /** Greeting answered with fixed newstyle and no zeroes, then NBD_OPT_GO: ready for requests. */
    static NbdTestClient connect(int port, String export) throws IOException {
        NbdTestClient c = tcp(port);
        c.clientFlags(FLAGS_FIXED_AND_NO_ZEROES);
        c.go(export);
        return c;
    }

    void option(int option, byte[] data) throws IOException {
        out.writeLong(NbdProtocol.IHAVEOPT);
        out.writeInt(option);
        out.writeInt(data.length);
        out.write(data);
        out.flush();
    }

    OptionReply optionReply() throws IOException {
        assertEquals(NbdProtocol.OPTION_REPLY_MAGIC, in.readLong(), "option reply magic");
        int option = in.readInt();
        int type = in.readInt();
        byte[] data = new byte[in.readInt()];
        in.readFully(data);
        return new OptionReply(option, type, data);
    }

    static byte[] infoRequest(String name, int... infos) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + n.length + 2 + 2 * infos.length);
        b.putInt(n.length).put(n).putShort((short) infos.length);
        for (int i : infos) {
            b.putShort((short) i);
        }
        return b.array();
    }

    /** NBD_OPT_INFO or NBD_OPT_GO asking for the block sizes; fails the test unless the server acknowledges. */
    ExportInfo info(int option, String name) throws IOException {
        option(option, infoRequest(name, NbdProtocol.INFO_BLOCK_SIZE));
        long size = -1;
        int flags = 0;
        int min = 0;
        int pref = 0;
        int max = 0;
        while (true) {
            OptionReply r = optionReply();
            assertEquals(option, r.option());
            if (r.type() == NbdProtocol.REP_ACK) {
                return new ExportInfo(size, flags, min, pref, max);
            }
            assertEquals(
                    NbdProtocol.REP_INFO, r.type(), () -> "reply " + Integer.toHexString(r.type()) + " " + r.text());
            ByteBuffer b = ByteBuffer.wrap(r.data());
            int type = b.getShort() & 0xffff;
            if (type == NbdProtocol.INFO_EXPORT) {
                size = b.getLong();
                flags = b.getShort() & 0xffff;
            } else if (type == NbdProtocol.INFO_BLOCK_SIZE) {
                min = b.getInt();
                pref = b.getInt();
                max = b.getInt();
            }
        }
    }

    ExportInfo go(String name) throws IOException {
        return info(NbdProtocol.OPT_GO, name);
    }

    List<String> list() throws IOException {
        option(NbdProtocol.OPT_LIST, new byte[0]);
        List<String> names = new ArrayList<>();
        while (true) {
            OptionReply r = optionReply();
            if (r.type() == NbdProtocol.REP_ACK) {
                return names;
            }
            assertEquals(NbdProtocol.REP_SERVER, r.type(), r::text);
            ByteBuffer b = ByteBuffer.wrap(r.data());
            byte[] name = new byte[b.getInt()];
            b.get(name);
            names.add(new String(name, StandardCharsets.UTF_8));
        }
    }

    /** NBD_OPT_STARTTLS, then the TLS handshake over the same connection. */
    OptionReply startTls(SSLContext tls) throws IOException {
        option(NbdProtocol.OPT_STARTTLS, new byte[0]);
        OptionReply r = optionReply();
        if (r.type() != NbdProtocol.REP_ACK) {
            return r;
        }
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(tcp, "127.0.0.1", tcp.getPort(), true);
        ssl.setUseClientMode(true);
        ssl.startHandshake();
        tcp = ssl;
        in = new DataInputStream(ssl.getInputStream());
        out = new DataOutputStream(ssl.getOutputStream());
        return r;
    }

    // ---- transmission

    long send(int type, int flags, long offset, long length, byte[] payload) throws IOException {
        long cookie = nextCookie++;
        out.writeInt(NbdProtocol.REQUEST_MAGIC);
        out.writeShort(flags);
        out.writeShort(type);
        out.writeLong(cookie);
        out.writeLong(offset);
        out.writeInt((int) length);
        if (payload != null) {
            out.write(payload);
        }
        out.flush();
        if (type == NbdProtocol.CMD_READ) {
            pendingReads.put(cookie, (int) length);
        }
        return cookie;
    }

    Reply reply() throws IOException {
        assertEquals(NbdProtocol.SIMPLE_REPLY_MAGIC, in.readInt(), "simple reply magic");
        int error = in.readInt();
        long cookie = in.readLong();
        Integer readLength = pendingReads.remove(cookie);
        byte[] data = new byte[error == 0 && readLength != null ? readLength : 0];
        in.readFully(data);
        return new Reply(cookie, error, data);
    }

    /** Sends one request and waits for its reply (nothing else must be in flight). */
    Reply call(int type, int flags, long offset, long length, byte[] payload) throws IOException {
        long cookie = send(type, flags, offset, length, payload);
        Reply r = reply();
        assertEquals(cookie, r.cookie(), "cookie echoed");
        return r;
    }

    byte[] read(long offset, int length) throws IOException {
        Reply r = call(NbdProtocol.CMD_READ, 0, offset, length, null);
        assertEquals(0, r.error(), "read error");
        return r.data();
    }

    void write(long offset, byte[] data) throws IOException {
        assertEquals(
                0, call(NbdProtocol.CMD_WRITE, 0, offset, data.length, data).error(), "write error");
    }

    void disconnect() throws IOException {
        send(NbdProtocol.CMD_DISC, 0, 0, 0, null);
    }

    /** True once the server has closed the connection (the next read sees end of stream). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (EOFException e) {
            return true;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    /** The client's own TCP port: how the server's log names this connection. */
    int localPort() {
        return tcp.getLocalPort();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    byte[] readRaw(int n) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    @Override
    public void close() throws IOException {
        if (tcp != null) {
            tcp.close();
        }
        if (unix != null) {
            unix.close();
        }
    }
}
