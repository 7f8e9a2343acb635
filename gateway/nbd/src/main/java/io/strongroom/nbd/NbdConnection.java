package io.strongroom.nbd;

import io.strongroom.core.auth.Operation;
import io.strongroom.core.auth.Principal;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.strongroom.core.volume.VolumeInfo;
import io.strongroom.core.volume.VolumeService;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jspecify.annotations.Nullable;

/**
 * One NBD connection, from the greeting to the close, on the event loop that accepted it (every field is confined to
 * it). Bytes are parsed as they arrive; a request is executed as soon as its header and payload are in, so several
 * run at once and replies go out in completion order, each echoing its request's cookie. The connection stops
 * reading its socket while an option is being answered, while its request waits for a storage slot, while its
 * payload bytes in flight are over the bound and while its replies wait to be read, and reads again once that has
 * passed: a client that sends faster than the volume takes, or reads its replies slower, is pushed back by TCP, not
 * buffered.
 */
final class NbdConnection {
    private static final System.Logger LOG = System.getLogger(NbdConnection.class.getName());
    /** Longest option accepted (a name is at most 4096 bytes); longer is a denial of service: the connection closes. */
    private static final int MAX_OPTION_BYTES = 64 * 1024;

    private static final Buffer ZEROES_124 = Buffer.buffer(new byte[124]);

    private enum Phase {
        CLIENT_FLAGS,
        OPTIONS,
        TRANSMISSION,
        CLOSED
    }

    /** Between a volume and a snapshot in an export name: {@code db1@before-upgrade}. */
    static final String SNAPSHOT_SEPARATOR = "@";

    /**
     * The export chosen with NBD_OPT_GO or NBD_OPT_EXPORT_NAME: volume {@code name}, or its snapshot {@code snapshot}
     * (export name {@code volume@snapshot}, always read-only).
     */
    record Export(String name, @Nullable String snapshot, long sizeBytes, int blockSize, boolean readOnly) {
        /** The export's name as the client gave it. */
        String label() {
            return snapshot == null ? name : name + SNAPSHOT_SEPARATOR + snapshot;
        }

        int transmissionFlags() {
            int flags = NbdProtocol.FLAG_HAS_FLAGS
                    | NbdProtocol.FLAG_SEND_FLUSH
                    | NbdProtocol.FLAG_SEND_FUA
                    | NbdProtocol.FLAG_SEND_TRIM
                    | NbdProtocol.FLAG_SEND_WRITE_ZEROES
                    | NbdProtocol.FLAG_CAN_MULTI_CONN;
            return readOnly ? flags | NbdProtocol.FLAG_READ_ONLY : flags;
        }
    }

    private final NbdServer.Shared shared;
    private final NetSocket socket;
    private final Context context;
    private final boolean tlsRequired;
    private final BlockIo io;
    /** The client's address, taken at accept (a closed socket may no longer tell). */
    private final String peer;

    private Phase phase = Phase.CLIENT_FLAGS;
    private Buffer in = Buffer.buffer();
    private int pos;
    private boolean fixedNewstyle;
    private boolean noZeroes;
    private boolean tlsOn;
    private @Nullable Principal principal;
    private @Nullable Export export;
    private boolean optionBusy;
    private boolean waitingForSlot;
    private boolean paused;
    private boolean closeCounted;
    private long bytesInFlight;
    private int requestsInFlight;
    /** Payload bytes of a refused write still to be read and dropped, then its reply sent. */
    private long discardRemaining;

    private long discardCookie;
    /** Why the connection is ending once its requests in flight are answered (NBD_CMD_DISC, server shutdown). */
    private @Nullable Ending ending;

    /** Why a connection ended and how loudly to say so. */
    private record Ending(Level level, String why) {}

    NbdConnection(NbdServer.Shared shared, NetSocket socket, Context context, boolean tlsRequired) {
        this.shared = shared;
        this.socket = socket;
        this.context = context;
        this.tlsRequired = tlsRequired;
        this.io = new BlockIo(shared.volumes(), shared.locks(), context);
        this.principal = tlsRequired ? null : NbdServer.EVERY_VOLUME;
        this.peer = String.valueOf(socket.remoteAddress());
    }

    void start() {
        shared.metrics().connectionOpened();
        socket.handler(this::onData);
        socket.closeHandler(v -> onClosed());
        socket.exceptionHandler(e -> hardClose("socket error: " + e));
        socket.shutdownHandler(v -> onServerShutdown());
        socket.drainHandler(v -> parse());
        socket.write(Buffer.buffer(18)
                .appendLong(NbdProtocol.NBDMAGIC)
                .appendLong(NbdProtocol.IHAVEOPT)
                .appendShort((short) (NbdProtocol.FLAG_FIXED_NEWSTYLE | NbdProtocol.FLAG_NO_ZEROES)));
    }

    // ---- parsing

    private void onData(Buffer data) {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (pos == in.length()) {
            in = data;
            pos = 0;
        } else {
            in.appendBuffer(data);
        }
        parse();
    }

    private void parse() {
        while (phase != Phase.CLOSED && step()) {
            // each step consumed one message
        }
        if (pos == in.length()) {
            in = Buffer.buffer();
            pos = 0;
        } else if (pos > 0) {
            in = in.getBuffer(pos, in.length());
            pos = 0;
        }
        flow();
    }

    /** Consumes one message if it is complete and the connection may take it; false otherwise. */
    private boolean step() {
        int available = in.length() - pos;
        if (discardRemaining > 0) {
            int n = (int) Math.min(available, discardRemaining);
            pos += n;
            discardRemaining -= n;
            if (discardRemaining > 0) {
                return false;
            }
            simpleReply(discardCookie, NbdProtocol.CMD_WRITE, NbdProtocol.EINVAL, null, System.nanoTime());
            return true;
        }
        if (blocked()) {
            return false;
        }
        return switch (phase) {
            case CLIENT_FLAGS -> clientFlags(available);
            case OPTIONS -> option(available);
            case TRANSMISSION -> request(available);
            case CLOSED -> false;
        };
    }

    /**
     * True while no new message may be taken: an option is being answered, a request waits for a storage slot, the
     * connection is ending, its payload bytes in flight are over the bound, or its replies are not being read (the
     * socket's write queue is full: a client that sends requests without reading replies is not answered into
     * memory without end).
     */
    private boolean blocked() {
        return optionBusy
                || waitingForSlot
                || ending != null
                || bytesInFlight >= shared.options().getMaxConnectionBytesInFlight()
                || socket.writeQueueFull();
    }

    /** Pauses the socket while the connection cannot take a message, resumes it when it can again. */
    private void flow() {
        boolean stop = phase != Phase.CLOSED && blocked();
        if (stop && !paused) {
            paused = true;
            socket.pause();
        } else if (!stop && paused) {
            paused = false;
            socket.resume();
        }
    }

    private boolean clientFlags(int available) {
        if (available < 4) {
            return false;
        }
        int flags = in.getInt(pos);
        pos += 4;
        if ((flags & ~(NbdProtocol.FLAG_C_FIXED_NEWSTYLE | NbdProtocol.FLAG_C_NO_ZEROES)) != 0) {
            hardClose("unknown client flags 0x" + Integer.toHexString(flags));
            return false;
        }
        fixedNewstyle = (flags & NbdProtocol.FLAG_C_FIXED_NEWSTYLE) != 0;
        noZeroes = (flags & NbdProtocol.FLAG_C_NO_ZEROES) != 0;
        phase = Phase.OPTIONS;
        return true;
    }

    // ---- option haggling

    private boolean option(int available) {
        if (available < NbdProtocol.OPTION_HEADER_BYTES) {
            return false;
        }
        if (in.getLong(pos) != NbdProtocol.IHAVEOPT) {
            hardClose("an option without the IHAVEOPT magic");
            return false;
        }
        int option = in.getInt(pos + 8);
        long length = in.getUnsignedInt(pos + 12);
        if (length > MAX_OPTION_BYTES) {
            hardClose("an option of " + length + " bytes");
            return false;
        }
        if (available < NbdProtocol.OPTION_HEADER_BYTES + length) {
            return false;
        }
        int start = pos + NbdProtocol.OPTION_HEADER_BYTES;
        Buffer data = in.getBuffer(start, start + (int) length);
        pos = start + (int) length;
        option(option, data);
        return true;
    }

    private void option(int option, Buffer data) {
        if (!fixedNewstyle && option != NbdProtocol.OPT_EXPORT_NAME) {
            hardClose("option " + option + " from a client without fixed newstyle");
            return;
        }
        if (tlsRequired && !tlsOn) {
            switch (option) {
                case NbdProtocol.OPT_STARTTLS -> startTls(data);
                case NbdProtocol.OPT_ABORT -> abort();
                case NbdProtocol.OPT_EXPORT_NAME -> hardClose("NBD_OPT_EXPORT_NAME before NBD_OPT_STARTTLS");
                default ->
                    optionError(option, NbdProtocol.REP_ERR_TLS_REQD, "TLS is required: send NBD_OPT_STARTTLS first");
            }
            return;
        }
        switch (option) {
            case NbdProtocol.OPT_EXPORT_NAME -> exportName(data.toString(StandardCharsets.UTF_8));
            case NbdProtocol.OPT_ABORT -> abort();
            case NbdProtocol.OPT_LIST -> list(data);
            case NbdProtocol.OPT_STARTTLS ->
                optionError(
                        option,
                        tlsOn ? NbdProtocol.REP_ERR_INVALID : NbdProtocol.REP_ERR_POLICY,
                        tlsOn ? "TLS is on already" : "TLS is offered only on a TCP listener off loopback");
            case NbdProtocol.OPT_INFO, NbdProtocol.OPT_GO -> infoOrGo(option, data);
            default -> optionError(option, NbdProtocol.REP_ERR_UNSUP, "option " + option + " is not supported");
        }
    }

    private void startTls(Buffer data) {
        if (data.length() != 0) {
            optionError(NbdProtocol.OPT_STARTTLS, NbdProtocol.REP_ERR_INVALID, "NBD_OPT_STARTTLS carries no data");
            return;
        }
        optionBusy = true;
        // The acknowledgement goes out with the handshake set up, so no byte of the client's hello is read as plain.
        socket.upgradeToSsl(shared.tls(), null, optionReply(NbdProtocol.OPT_STARTTLS, NbdProtocol.REP_ACK, null))
                .onComplete(ar -> {
                    optionBusy = false;
                    if (ar.failed()) {
                        hardClose("TLS handshake failed: " + ar.cause().getMessage());
                        return;
                    }
                    tlsOn = true;
                    principal = principalOfPeer();
                    parse();
                });
    }

    /** The principal named by the client certificate's subject CN, or null. */
    private @Nullable Principal principalOfPeer() {
        try {
            List<Certificate> chain = socket.peerCertificates();
            if (chain.isEmpty() || !(chain.get(0) instanceof X509Certificate leaf)) {
                return null;
            }
            String cn = commonName(leaf);
            Principal p = cn == null ? null : shared.options().getPrincipals().apply(cn);
            if (p == null) {
                LOG.log(
                        Level.WARNING,
                        "NBD client certificate {0} names no known identity: no volume is exported to it",
                        leaf.getSubjectX500Principal().getName());
            }
            return p;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    static @Nullable String commonName(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }

    private void abort() {
        Buffer ack = optionReply(NbdProtocol.OPT_ABORT, NbdProtocol.REP_ACK, null);
        logEnd(new Ending(Level.DEBUG, "the client sent NBD_OPT_ABORT"));
        phase = Phase.CLOSED;
        socket.write(ack).onComplete(x -> socket.close());
    }

    private void list(Buffer data) {
        if (data.length() != 0) {
            optionError(NbdProtocol.OPT_LIST, NbdProtocol.REP_ERR_INVALID, "NBD_OPT_LIST carries no data");
            return;
        }
        optionBusy = true;
        shared.volumes().list().onComplete(ar -> {
            optionBusy = false;
            if (phase == Phase.CLOSED) {
                return;
            }
            if (ar.failed()) {
                optionError(NbdProtocol.OPT_LIST, NbdProtocol.REP_ERR_SHUTDOWN, "volumes cannot be listed now");
            } else {
                for (VolumeInfo v : ar.result()) {
                    if (principal != null && principal.may(Operation.READ_BLOCKS, v.name())) {
                        byte[] name = v.name().getBytes(StandardCharsets.UTF_8);
                        Buffer entry = Buffer.buffer(4 + name.length)
                                .appendInt(name.length)
                                .appendBytes(name);
                        socket.write(optionReply(NbdProtocol.OPT_LIST, NbdProtocol.REP_SERVER, entry));
                    }
                }
                socket.write(optionReply(NbdProtocol.OPT_LIST, NbdProtocol.REP_ACK, null));
            }
            parse();
        });
    }

    private void infoOrGo(int option, Buffer data) {
        if (data.length() < 6) {
            optionError(option, NbdProtocol.REP_ERR_INVALID, "option data shorter than 6 bytes");
            return;
        }
        long nameLength = data.getUnsignedInt(0);
        if (nameLength > data.length() - 6) {
            optionError(option, NbdProtocol.REP_ERR_INVALID, "export name longer than the option");
            return;
        }
        int end = 4 + (int) nameLength;
        String name = data.getString(4, end, StandardCharsets.UTF_8.name());
        int requests = data.getUnsignedShort(end);
        if (data.length() != end + 2 + 2 * requests) {
            optionError(option, NbdProtocol.REP_ERR_INVALID, "information request count does not match the length");
            return;
        }
        // Every reply carries NBD_INFO_EXPORT and NBD_INFO_BLOCK_SIZE, asked for or not; the rest is not served.
        optionBusy = true;
        lookUp(name).onComplete(ar -> {
            optionBusy = false;
            if (phase == Phase.CLOSED) {
                return;
            }
            if (ar.failed()) {
                optionError(option, NbdProtocol.REP_ERR_UNKNOWN, ar.cause().getMessage());
            } else {
                Export e = ar.result();
                socket.write(optionReply(
                        option,
                        NbdProtocol.REP_INFO,
                        Buffer.buffer(12)
                                .appendShort((short) NbdProtocol.INFO_EXPORT)
                                .appendLong(e.sizeBytes())
                                .appendShort((short) e.transmissionFlags())));
                socket.write(optionReply(
                        option,
                        NbdProtocol.REP_INFO,
                        Buffer.buffer(14)
                                .appendShort((short) NbdProtocol.INFO_BLOCK_SIZE)
                                .appendInt(NbdProtocol.MIN_BLOCK_SIZE)
                                .appendInt(e.blockSize())
                                .appendInt(shared.options().getMaxRequestBytes())));
                socket.write(optionReply(option, NbdProtocol.REP_ACK, null));
                if (option == NbdProtocol.OPT_GO) {
                    transmit(e);
                }
            }
            parse();
        });
    }

    private void exportName(String name) {
        optionBusy = true;
        lookUp(name).onComplete(ar -> {
            optionBusy = false;
            if (phase == Phase.CLOSED) {
                return;
            }
            if (ar.failed()) {
                // NBD_OPT_EXPORT_NAME has no error reply: the specification says to drop the connection.
                hardClose("NBD_OPT_EXPORT_NAME: " + ar.cause().getMessage());
                return;
            }
            Export e = ar.result();
            Buffer answer = Buffer.buffer(134).appendLong(e.sizeBytes()).appendShort((short) e.transmissionFlags());
            if (!noZeroes) {
                answer.appendBuffer(ZEROES_124);
            }
            socket.write(answer);
            transmit(e);
            parse();
        });
    }

    /**
     * The export {@code name} if this connection's principal may read it; fails with a message naming the export
     * otherwise (one that is missing and one the principal may not read look the same, as in NBD_OPT_LIST). A name
     * {@code volume@snapshot} is that snapshot of the volume ({@code @} is never part of a volume name), read-only
     * whatever the principal may do to the volume.
     */
    private Future<Export> lookUp(String name) {
        Principal p = principal;
        int at = name.indexOf(SNAPSHOT_SEPARATOR);
        String volume = at < 0 ? name : name.substring(0, at);
        String snapshot = at < 0 ? null : name.substring(at + 1);
        Operation read = snapshot == null ? Operation.READ_BLOCKS : Operation.READ_SNAPSHOT;
        NbdRequestError unknown = new NbdRequestError(NbdProtocol.EINVAL, "no export named '" + name + "'");
        if (volume.isEmpty() || p == null || !p.may(read, volume)) {
            return Future.failedFuture(unknown);
        }
        VolumeService volumes = shared.volumes();
        Future<?> exists = snapshot == null ? Future.succeededFuture() : volumes.snapshot(volume, snapshot);
        return exists.compose(x -> volumes.get(volume))
                .recover(e -> {
                    ErrorCode code = StrongroomException.codeOf(e);
                    boolean missing = code == ErrorCode.VolumeNotFound
                            || code == ErrorCode.SnapshotNotFound
                            || code == ErrorCode.InvalidArgument;
                    return Future.failedFuture(missing ? unknown : e);
                })
                .map(v -> new Export(
                        v.name(),
                        snapshot,
                        v.sizeBytes(),
                        v.blockSize(),
                        snapshot != null || !p.may(Operation.WRITE_BLOCKS, v.name())));
    }

    private void transmit(Export e) {
        export = e;
        phase = Phase.TRANSMISSION;
    }

    private void optionError(int option, int type, @Nullable String message) {
        Buffer text = message == null ? null : Buffer.buffer(message, StandardCharsets.UTF_8.name());
        socket.write(optionReply(option, type, text));
    }

    private static Buffer optionReply(int option, int type, @Nullable Buffer data) {
        int length = data == null ? 0 : data.length();
        Buffer reply = Buffer.buffer(20 + length)
                .appendLong(NbdProtocol.OPTION_REPLY_MAGIC)
                .appendInt(option)
                .appendInt(type)
                .appendInt(length);
        return data == null ? reply : reply.appendBuffer(data);
    }

    // ---- transmission

    private boolean request(int available) {
        if (available < NbdProtocol.REQUEST_HEADER_BYTES) {
            return false;
        }
        if (in.getInt(pos) != NbdProtocol.REQUEST_MAGIC) {
            hardClose("a request without the request magic");
            return false;
        }
        int flags = in.getUnsignedShort(pos + 4);
        int type = in.getUnsignedShort(pos + 6);
        long cookie = in.getLong(pos + 8);
        long offset = in.getLong(pos + 16);
        long length = in.getUnsignedInt(pos + 24);
        int max = shared.options().getMaxRequestBytes();
        Buffer payload = null;
        if (type == NbdProtocol.CMD_WRITE) {
            if (length > max) {
                if (length > Math.max(max, NbdProtocol.DISCARD_LIMIT)) {
                    hardClose("a write of " + length + " bytes");
                    return false;
                }
                // Read and drop the payload, then refuse: the stream stays in step and the connection lives on.
                pos += NbdProtocol.REQUEST_HEADER_BYTES;
                discardRemaining = length;
                discardCookie = cookie;
                return true;
            }
            if (available < NbdProtocol.REQUEST_HEADER_BYTES + length) {
                return false;
            }
            int start = pos + NbdProtocol.REQUEST_HEADER_BYTES;
            payload = in.getBuffer(start, start + (int) length);
            pos = start + (int) length;
        } else {
            pos += NbdProtocol.REQUEST_HEADER_BYTES;
        }
        if (type == NbdProtocol.CMD_DISC) {
            disconnect(new Ending(Level.DEBUG, "the client sent NBD_CMD_DISC"));
            return false;
        }
        admit(new Request(type, flags, cookie, offset, length, payload, System.nanoTime()));
        return true;
    }

    /** One request, parsed. */
    record Request(
            int type,
            int flags,
            long cookie,
            long offset,
            long length,
            @Nullable Buffer payload,
            long start) {
        /** Bytes it holds in flight: its payload, or the data its reply carries. */
        long weight() {
            return type == NbdProtocol.CMD_READ || type == NbdProtocol.CMD_WRITE ? length : 0;
        }
    }

    private void admit(Request r) {
        bytesInFlight += r.weight();
        requestsInFlight++;
        if (shared.admission().tryAcquire()) {
            execute(r);
            return;
        }
        waitingForSlot = true;
        shared.admission().enqueue(context, v -> {
            waitingForSlot = false;
            execute(r);
            parse();
        });
    }

    private void execute(Request r) {
        Future<@Nullable Buffer> done;
        try {
            done = dispatch(r);
        } catch (NbdRequestError e) {
            done = Future.failedFuture(e);
        }
        done.onComplete(ar -> {
            shared.admission().release();
            bytesInFlight -= r.weight();
            requestsInFlight--;
            if (ar.failed()) {
                Throwable cause = ar.cause();
                int error = NbdErrors.of(cause);
                if (!(cause instanceof NbdRequestError)) {
                    LOG.log(Level.DEBUG, "NBD request on {0} failed: {1}", export.label(), cause.toString());
                }
                simpleReply(r.cookie(), r.type(), error, null, r.start());
            } else {
                simpleReply(r.cookie(), r.type(), 0, ar.result(), r.start());
            }
            if (ending != null) {
                closeWhenIdle();
            } else {
                parse();
            }
        });
    }

    private Future<@Nullable Buffer> dispatch(Request r) {
        Export e = export;
        boolean fua = (r.flags() & NbdProtocol.CMD_FLAG_FUA) != 0;
        return switch (r.type()) {
            case NbdProtocol.CMD_READ -> {
                checkFlags(r, NbdProtocol.CMD_FLAG_FUA);
                checkRange(e, r, NbdProtocol.EINVAL);
                if (r.length() > shared.options().getMaxRequestBytes()) {
                    throw new NbdRequestError(NbdProtocol.EINVAL, "a read of " + r.length() + " bytes");
                }
                yield io.read(e, r.offset(), (int) r.length()).map(b -> b);
            }
            case NbdProtocol.CMD_WRITE -> {
                checkFlags(r, NbdProtocol.CMD_FLAG_FUA);
                checkWritable(e);
                checkRange(e, r, NbdProtocol.ENOSPC);
                shared.metrics().addWriteBytes(r.length());
                yield io.write(e, r.offset(), r.payload(), fua).map(v -> null);
            }
            case NbdProtocol.CMD_FLUSH -> {
                checkFlags(r, NbdProtocol.CMD_FLAG_FUA);
                // A snapshot export has nothing to make durable: it is never written.
                yield e.snapshot() != null
                        ? Future.succeededFuture(null)
                        : shared.volumes().flush(e.name()).map(v -> null);
            }
            case NbdProtocol.CMD_TRIM -> {
                checkFlags(r, NbdProtocol.CMD_FLAG_FUA);
                checkWritable(e);
                checkRange(e, r, NbdProtocol.EINVAL);
                yield io.trim(e, r.offset(), r.length(), fua).map(v -> null);
            }
            case NbdProtocol.CMD_WRITE_ZEROES -> {
                checkFlags(r, NbdProtocol.CMD_FLAG_FUA | NbdProtocol.CMD_FLAG_NO_HOLE);
                checkWritable(e);
                checkRange(e, r, NbdProtocol.ENOSPC);
                yield io.writeZeroes(e, r.offset(), r.length(), fua).map(v -> null);
            }
            default -> throw new NbdRequestError(NbdProtocol.EINVAL, "unknown command " + r.type());
        };
    }

    /** EINVAL for a flag the command does not take (every command takes FUA; it matters to those that write). */
    private static void checkFlags(Request r, int allowed) {
        if ((r.flags() & ~allowed) != 0) {
            throw new NbdRequestError(
                    NbdProtocol.EINVAL, "flags 0x" + Integer.toHexString(r.flags()) + " on command " + r.type());
        }
    }

    private static void checkWritable(Export e) {
        if (e.readOnly()) {
            throw new NbdRequestError(NbdProtocol.EPERM, "export " + e.label() + " is read-only to this client");
        }
    }

    /**
     * Past the end of the export: ENOSPC for a write or write-zeroes, EINVAL for a read or trim (the error values
     * the specification asks for).
     */
    private static void checkRange(Export e, Request r, int error) {
        if (r.offset() < 0 || r.offset() > e.sizeBytes() || r.length() > e.sizeBytes() - r.offset()) {
            throw new NbdRequestError(
                    error,
                    "range " + Long.toUnsignedString(r.offset()) + "+" + r.length() + " past the end of " + e.label()
                            + " (" + e.sizeBytes() + " bytes)");
        }
    }

    private void simpleReply(long cookie, int type, int error, @Nullable Buffer data, long start) {
        shared.metrics().record(type, error, System.nanoTime() - start);
        if (phase == Phase.CLOSED) {
            return;
        }
        int length = data == null ? 0 : data.length();
        Buffer reply = Buffer.buffer(NbdProtocol.REPLY_HEADER_BYTES + length)
                .appendInt(NbdProtocol.SIMPLE_REPLY_MAGIC)
                .appendInt(error)
                .appendLong(cookie);
        if (data != null) {
            reply.appendBuffer(data);
            shared.metrics().addReadBytes(length);
        }
        socket.write(reply);
    }

    // ---- ending

    /** No new request is read; the connection closes once the requests in flight are answered. */
    private void disconnect(Ending why) {
        ending = why;
        closeWhenIdle();
    }

    private void closeWhenIdle() {
        flow();
        Ending why = ending;
        if (why != null && requestsInFlight == 0 && !waitingForSlot) {
            close(why);
        }
    }

    private void onServerShutdown() {
        Ending shutdown = new Ending(Level.WARNING, "the NBD server is shutting down");
        if (phase != Phase.TRANSMISSION) {
            close(shutdown);
            return;
        }
        disconnect(shutdown);
    }

    /** Closes the connection for a reason the client did not ask for: a protocol violation, a socket error. */
    private void hardClose(String why) {
        close(new Ending(Level.WARNING, why));
    }

    private void close(Ending why) {
        logEnd(why);
        phase = Phase.CLOSED;
        socket.close();
    }

    /**
     * The socket is closed: by this side (the reason is logged already) or by the client. A client that closes between
     * messages with nothing in flight ended cleanly; one that leaves a message half sent or requests unanswered
     * did not.
     */
    private void onClosed() {
        if (phase != Phase.CLOSED) {
            boolean midway = pos < in.length() || discardRemaining > 0 || requestsInFlight > 0;
            logEnd(
                    ending != null
                            ? ending
                            : midway
                                    ? new Ending(
                                            Level.WARNING,
                                            "the client closed the connection with requests unanswered or half sent")
                                    : new Ending(Level.DEBUG, "the client closed the connection"));
            phase = Phase.CLOSED;
        }
        if (!closeCounted) {
            closeCounted = true;
            shared.metrics().connectionClosed();
        }
    }

    /**
     * Logs why the connection ended, once: the client's address, the export and what was in flight; never a byte of
     * data.
     */
    private void logEnd(Ending why) {
        if (phase == Phase.CLOSED) {
            return;
        }
        LOG.log(
                why.level(),
                "NBD connection from {0} to export {1} closed: {2} ({3} requests and {4} payload bytes in flight{5})",
                peer,
                export == null ? "(none chosen)" : export.label(),
                why.why(),
                String.valueOf(requestsInFlight),
                String.valueOf(bytesInFlight),
                paused ? ", reading paused" : "");
    }
}
