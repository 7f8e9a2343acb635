package io.strongroom.loadtest.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The fixed newstyle handshake on a freshly connected socket: the server's greeting, the client flags, then
 * {@code NBD_OPT_GO} for the export with a request for its block sizes, until {@code NBD_REP_ACK} starts the
 * transmission phase. Structured replies are not negotiated, so the server answers every command with a simple
 * reply. A server without fixed newstyle, an option error ({@code NBD_REP_ERR_UNKNOWN} for a wrong export name,
 * {@code NBD_REP_ERR_TLS_REQD}, ...) or a reply that breaks the protocol fails the handshake with a message
 * naming it. Confined to the socket's event loop; after success the caller installs its own handlers.
 */
final class NbdHandshake {

    private static final int GREETING_BYTES = 18;
    private static final int OPTION_REPLY_HEADER_BYTES = 20;
    /** Option replies longer than this are refused (an export name or an error message is far shorter). */
    private static final int MAX_OPTION_REPLY_BYTES = 64 * 1024;

    private final NetSocket socket;
    private final String export;
    private final ByteBuf in = Unpooled.buffer(256);
    private final Promise<ExportInfo> result = Promise.promise();
    private boolean greeted;
    private long size = -1;
    private int transmissionFlags;
    private int minimumBlock;
    private int preferredBlock;
    private int maximumBlock;

    private NbdHandshake(NetSocket socket, String export) {
        this.socket = socket;
        this.export = export;
    }

    /** Runs the handshake; the future fails (and the socket is closed) on any problem. */
    static Future<ExportInfo> run(NetSocket socket, String export) {
        NbdHandshake h = new NbdHandshake(socket, export);
        ((NetSocketInternal) socket).messageHandler(message -> {
            try {
                if (message instanceof ByteBuf data && !h.result.future().isComplete()) {
                    h.in.writeBytes(data);
                    h.parse();
                }
            } catch (IOException e) {
                h.fail(e);
            } finally {
                ReferenceCountUtil.release(message);
            }
        });
        socket.closeHandler(v -> h.fail(new IOException("the server closed the connection during the handshake")));
        socket.exceptionHandler(h::fail);
        return h.result.future().andThen(x -> h.in.release());
    }

    private void fail(Throwable cause) {
        if (result.tryFail(cause)) {
            socket.close();
        }
    }

    private void parse() throws IOException {
        if (!greeted) {
            if (in.readableBytes() < GREETING_BYTES) {
                return;
            }
            if (in.readLong() != Nbd.NBDMAGIC) {
                throw new IOException("not an NBD server (no NBDMAGIC in its greeting)");
            }
            if (in.readLong() != Nbd.IHAVEOPT) {
                throw new IOException("the server speaks oldstyle NBD; only newstyle negotiation is supported");
            }
            int serverFlags = in.readUnsignedShort();
            if ((serverFlags & Nbd.FLAG_FIXED_NEWSTYLE) == 0) {
                throw new IOException("the server does not offer fixed newstyle negotiation");
            }
            greeted = true;
            socket.write(clientFlagsAndGo(serverFlags & Nbd.FLAG_NO_ZEROES));
        }
        while (in.readableBytes() >= OPTION_REPLY_HEADER_BYTES) {
            int start = in.readerIndex();
            long magic = in.getLong(start);
            int option = in.getInt(start + 8);
            int type = in.getInt(start + 12);
            long length = in.getUnsignedInt(start + 16);
            if (magic != Nbd.OPTION_REPLY_MAGIC) {
                throw new IOException("bad option reply magic 0x" + Long.toHexString(magic));
            }
            if (option != Nbd.OPT_GO) {
                throw new IOException("option reply for option " + option + ", NBD_OPT_GO was sent");
            }
            if (length > MAX_OPTION_REPLY_BYTES) {
                throw new IOException("option reply of " + length + " bytes");
            }
            if (in.readableBytes() < OPTION_REPLY_HEADER_BYTES + length) {
                return;
            }
            in.skipBytes(OPTION_REPLY_HEADER_BYTES);
            ByteBuf data = in.readSlice((int) length);
            if ((type & Nbd.REP_FLAG_ERROR) != 0) {
                String text = data.toString(StandardCharsets.UTF_8);
                throw new IOException("export '" + export + "': " + Nbd.optionErrorName(type)
                        + (text.isEmpty() ? "" : " (" + text + ")"));
            }
            if (type == Nbd.REP_INFO) {
                info(data);
            } else if (type == Nbd.REP_ACK) {
                if (size < 0) {
                    throw new IOException("NBD_OPT_GO acknowledged without NBD_INFO_EXPORT");
                }
                if (in.isReadable()) {
                    throw new IOException("bytes after NBD_REP_ACK before any request");
                }
                result.tryComplete(new ExportInfo(size, transmissionFlags, minimumBlock, preferredBlock, maximumBlock));
                return;
            } else {
                throw new IOException("unexpected reply type " + type + " to NBD_OPT_GO");
            }
        }
    }

    private void info(ByteBuf data) throws IOException {
        if (data.readableBytes() < 2) {
            throw new IOException("NBD_REP_INFO without an information type");
        }
        int infoType = data.readUnsignedShort();
        if (infoType == Nbd.INFO_EXPORT) {
            if (data.readableBytes() != 10) {
                throw new IOException("NBD_INFO_EXPORT of " + (data.readableBytes() + 2) + " bytes, expected 12");
            }
            size = data.readLong();
            transmissionFlags = data.readUnsignedShort();
        } else if (infoType == Nbd.INFO_BLOCK_SIZE) {
            if (data.readableBytes() != 12) {
                throw new IOException("NBD_INFO_BLOCK_SIZE of " + (data.readableBytes() + 2) + " bytes, expected 14");
            }
            minimumBlock = data.readInt();
            preferredBlock = data.readInt();
            maximumBlock = data.readInt();
        }
        // other information (name, description) is not needed
    }

    private Buffer clientFlagsAndGo(int noZeroes) {
        byte[] name = export.getBytes(StandardCharsets.UTF_8);
        Buffer b = Buffer.buffer(4 + 16 + 4 + name.length + 4);
        b.appendInt(Nbd.FLAG_FIXED_NEWSTYLE | noZeroes);
        b.appendLong(Nbd.IHAVEOPT);
        b.appendInt(Nbd.OPT_GO);
        b.appendInt(4 + name.length + 2 + 2);
        b.appendInt(name.length);
        b.appendBytes(name);
        b.appendShort((short) 1);
        b.appendShort((short) Nbd.INFO_BLOCK_SIZE);
        return b;
    }
}
