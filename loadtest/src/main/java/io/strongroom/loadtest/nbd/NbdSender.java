package io.strongroom.loadtest.nbd;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.LongObjectHashMap;
import io.strongroom.loadtest.cli.LoadTestOptions;
import io.strongroom.loadtest.load.RequestSender;
import io.strongroom.loadtest.load.Workload;
import io.strongroom.loadtest.measure.LatencyRecorders;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The NBD engine: the same workload as the HTTP engines (read/write mix, block addresses, prebuilt payloads) sent
 * as {@code NBD_CMD_READ} / {@code NBD_CMD_WRITE} to NBD exports, with {@code NBD_CMD_FLUSH} after every
 * {@code --flush-every} writes and FUA on writes with {@code --fua}. Block n of a request is at byte offset
 * n × block size; a request of K blocks is one command of K × block size bytes.
 *
 * <p>Each connection is opened with the fixed newstyle handshake ({@link NbdHandshake}) and then carries many
 * requests at once (pipelined, as a kernel NBD client or fio's iodepth does): each request has its own handle and
 * its simple reply is matched by that handle, in whatever order the server answers. The drivers keep at most
 * connections × streams requests in flight per target ({@code --streams} is the queue depth per connection); a
 * request goes to the connection of its event loop with the fewest in flight, or waits while the loop's
 * connections to that target reconnect. A reply with an error counts under the error's name ({@code EINVAL},
 * {@code EIO}, {@code ENOSPC}, ...), a success under {@code ok}; with {@code --verify} every read is compared with
 * what the workload writes at that address (or zeros, never written) and a difference counts as
 * {@code verify-mismatch}. A request without a reply within the timeout fails as a timeout and its connection is
 * closed (NBD cannot cancel one request) and replaced; the other requests on it fail as I/O errors. {@link #close}
 * sends {@code NBD_CMD_DISC} on every connection.
 */
public final class NbdSender implements RequestSender {

    /** The outcome key of a successful reply. */
    public static final String OK = "ok";
    /** The outcome key of a read whose data differs from what was written there (with --verify). */
    public static final String VERIFY_MISMATCH = "verify-mismatch";

    private static final long RECONNECT_DELAY_MILLIS = 100;

    private final Vertx vertx;
    private final NetClient client;
    private final NbdTarget[] targets;
    private final Workload workload;
    private final long blockSize;
    private final int requestBytes;
    private final long timeoutNanos;
    private final boolean verify;
    private final int flushEvery;
    private final short writeFlags;
    private final AtomicLong inFlight = new AtomicLong();
    private final AtomicReferenceArray<ExportInfo> exports;
    /** By event-loop thread: handlers run on duplicates of a loop's context, never on the context itself. */
    private final Map<Thread, Loop> loops = new ConcurrentHashMap<>();

    private volatile boolean closed;

    /**
     * @param workload built with one volume per target, in the same order (its cursors and payloads are the
     *                 export's)
     */
    public NbdSender(Vertx vertx, LoadTestOptions o, List<NbdTarget> targets, Workload workload) {
        this.vertx = vertx;
        this.targets = targets.toArray(new NbdTarget[0]);
        this.workload = workload;
        this.blockSize = o.blockSize();
        this.requestBytes = workload.requestBytes();
        this.timeoutNanos = o.requestTimeout().toNanos();
        this.verify = o.verify();
        this.flushEvery = o.flushEvery();
        this.writeFlags = o.fua() ? Nbd.CMD_FLAG_FUA : 0;
        this.exports = new AtomicReferenceArray<>(this.targets.length);
        this.client =
                vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout((int)
                        Math.min(Integer.MAX_VALUE, o.requestTimeout().toMillis())));
    }

    /**
     * Opens {@code connectionsPerTarget} connections to every target, spread over the event loops of
     * {@code contexts}, and starts each loop's timeout sweep. Completes when every connection is in the
     * transmission phase; fails with the first handshake's error (a wrong export name, a refused connection).
     */
    public Future<Void> open(List<Context> contexts, int connectionsPerTarget) {
        List<Future<Void>> connected = new ArrayList<>();
        for (int k = 0; k < contexts.size(); k++) {
            Context context = contexts.get(k);
            Loop loop = new Loop(context);
            int share = connectionsPerTarget / contexts.size() + (k < connectionsPerTarget % contexts.size() ? 1 : 0);
            Promise<Void> opened = Promise.promise();
            context.runOnContext(v -> {
                loops.put(Thread.currentThread(), loop);
                List<Future<Void>> all = new ArrayList<>();
                for (int t = 0; t < targets.length; t++) {
                    for (int i = 0; i < share; i++) {
                        all.add(loop.connect(t));
                    }
                }
                long sweep = Math.max(10, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(timeoutNanos) / 10));
                loop.sweepTimer = vertx.setPeriodic(sweep, id -> loop.sweep());
                Future.all(all).<Void>mapEmpty().onComplete(opened);
            });
            connected.add(opened.future());
        }
        return Future.all(connected).mapEmpty();
    }

    /** What the server announced for target t in its handshake (null before the first connection). */
    public ExportInfo export(int t) {
        return exports.get(t);
    }

    /** Requests sent and not yet answered (or failed). */
    public long inFlight() {
        return inFlight.get();
    }

    @Override
    public Future<Void> send(long intendedNanos, SplittableRandom rnd, LatencyRecorders.Phase phase) {
        Loop loop = loops.get(Thread.currentThread());
        if (loop == null) {
            phase.failure(new IllegalStateException("send called off the client's event loops"));
            return Future.succeededFuture();
        }
        int target = loop.nextTarget();
        Exchange x;
        if (flushEvery > 0 && loop.writesSinceFlush >= flushEvery) {
            loop.writesSinceFlush = 0;
            x = new Exchange(Nbd.CMD_FLUSH, (short) 0, 0, 0, null, intendedNanos, phase);
        } else if (workload.nextIsRead(rnd)) {
            long block = workload.nextBlock(target, rnd);
            Buffer expected = verify ? workload.payload(target, block) : null;
            x = new Exchange(Nbd.CMD_READ, (short) 0, block * blockSize, requestBytes, expected, intendedNanos, phase);
        } else {
            long block = workload.nextBlock(target, rnd);
            loop.writesSinceFlush++;
            x = new Exchange(
                    Nbd.CMD_WRITE,
                    writeFlags,
                    block * blockSize,
                    requestBytes,
                    workload.payload(target, block),
                    intendedNanos,
                    phase);
        }
        inFlight.incrementAndGet();
        Connection c = loop.leastBusy(target);
        if (c == null) {
            loop.waiting[target].addLast(x);
        } else {
            c.start(x);
        }
        return x.done.future();
    }

    /** Sends {@code NBD_CMD_DISC} on every connection and closes it; requests still in flight fail. */
    public Future<Void> close() {
        closed = true;
        List<Future<Void>> all = new ArrayList<>();
        for (Loop loop : loops.values()) {
            vertx.cancelTimer(loop.sweepTimer);
            Promise<Void> done = Promise.promise();
            loop.context.runOnContext(v -> {
                List<Future<Void>> disconnects = new ArrayList<>();
                for (List<Connection> list : loop.connections) {
                    for (Connection c : List.copyOf(list)) {
                        disconnects.add(c.disconnect());
                    }
                }
                Future.join(disconnects).<Void>mapEmpty().onComplete(ar -> done.complete());
            });
            all.add(done.future());
        }
        return Future.join(all).transform(ar -> client.close());
    }

    /** One request: what to send, its times and its outcome. */
    private final class Exchange {
        final short command;
        final short flags;
        final long offset;
        final int length;
        /** WRITE: the payload; READ with --verify: the bytes expected (or zeros); otherwise null. */
        final Buffer data;

        final long intendedNanos;
        final LatencyRecorders.Phase phase;
        final Promise<Void> done = Promise.promise();
        final long queuedNanos = System.nanoTime();
        long sentNanos;

        Exchange(
                short command,
                short flags,
                long offset,
                int length,
                Buffer data,
                long intendedNanos,
                LatencyRecorders.Phase phase) {
            this.command = command;
            this.flags = flags;
            this.offset = offset;
            this.length = length;
            this.data = data;
            this.intendedNanos = intendedNanos;
            this.phase = phase;
        }

        void complete(String outcome, boolean ok) {
            phase.outcome(outcome, ok, intendedNanos, sentNanos, System.nanoTime());
            // after recording, so a drain that sees zero in flight has every value in the recorders
            inFlight.decrementAndGet();
            done.complete();
        }

        void fail(Throwable cause) {
            phase.failure(cause);
            inFlight.decrementAndGet();
            done.complete();
        }
    }

    /** The connections of one event loop and the requests waiting for one, per target; confined to the loop. */
    private final class Loop {
        final Context context;
        final List<Connection>[] connections;
        final ArrayDeque<Exchange>[] waiting;
        long sweepTimer;
        long writesSinceFlush;
        private int turn;

        @SuppressWarnings("unchecked")
        Loop(Context context) {
            this.context = context;
            this.connections = new List[targets.length];
            this.waiting = new ArrayDeque[targets.length];
            for (int t = 0; t < targets.length; t++) {
                connections[t] = new ArrayList<>();
                waiting[t] = new ArrayDeque<>();
            }
        }

        int nextTarget() {
            if (targets.length == 1) {
                return 0;
            }
            turn = (turn + 1) % targets.length;
            return turn;
        }

        Connection leastBusy(int target) {
            Connection best = null;
            for (Connection c : connections[target]) {
                if (best == null || c.pending.size() < best.pending.size()) {
                    best = c;
                }
            }
            return best;
        }

        Future<Void> connect(int target) {
            NbdTarget t = targets[target];
            SocketAddress address = t.socketPath() == null
                    ? SocketAddress.inetSocketAddress(t.port(), t.host())
                    : SocketAddress.domainSocketAddress(t.socketPath());
            long timeoutMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            return client.connect(address).compose(socket -> {
                long timer = vertx.setTimer(
                        timeoutMillis,
                        id -> socket.close()); // a server that accepts and never negotiates fails the handshake
                return NbdHandshake.run(socket, t.export())
                        .andThen(ar -> vertx.cancelTimer(timer))
                        .map(info -> {
                            exports.compareAndSet(target, null, info);
                            Connection c = new Connection(this, target, socket);
                            connections[target].add(c);
                            ArrayDeque<Exchange> queue = waiting[target];
                            while (!queue.isEmpty()) {
                                c.start(queue.pollFirst());
                            }
                            return null;
                        });
            });
        }

        /** Connects again after a lost connection, retrying while the target refuses (requests wait meanwhile). */
        void reconnect(int target) {
            if (closed) {
                return;
            }
            connect(target)
                    .onFailure(e -> vertx.setTimer(RECONNECT_DELAY_MILLIS, id -> {
                        if (!closed) {
                            reconnect(target);
                        }
                    }));
        }

        void sweep() {
            long now = System.nanoTime();
            String limit = TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms";
            for (List<Connection> list : connections) {
                for (Connection c : List.copyOf(list)) {
                    c.expire(now, limit);
                }
            }
            for (ArrayDeque<Exchange> queue : waiting) {
                while (!queue.isEmpty() && now - queue.peekFirst().queuedNanos > timeoutNanos) {
                    queue.pollFirst().fail(new TimeoutException("no NBD connection to send on within " + limit));
                }
            }
        }
    }

    /** One NBD connection in the transmission phase: its requests in flight by handle, and its reply parser. */
    private final class Connection {
        final Loop loop;
        final int target;
        final NetSocket socket;
        final LongObjectHashMap<Exchange> pending = new LongObjectHashMap<>();
        private final ByteBuf in = Unpooled.buffer(64 * 1024);
        private long nextHandle;
        /** The read whose data is being received, or null while a reply header is awaited. */
        private Exchange reading;

        private boolean gone;

        Connection(Loop loop, int target, NetSocket socket) {
            this.loop = loop;
            this.target = target;
            this.socket = socket;
            // Netty's buffers as they arrive, without the heap copy NetSocket's handler would make first
            ((NetSocketInternal) socket).messageHandler(message -> {
                try {
                    if (message instanceof ByteBuf data && !gone) {
                        in.writeBytes(data);
                        parse();
                    }
                } finally {
                    ReferenceCountUtil.release(message);
                }
            });
            socket.closeHandler(v -> lost(new IOException("NBD connection to " + targets[target] + " closed")));
            socket.exceptionHandler(e -> socket.close());
        }

        void start(Exchange x) {
            long handle = nextHandle++;
            pending.put(handle, x);
            Buffer header = Buffer.buffer(Nbd.REQUEST_HEADER_BYTES)
                    .appendInt(Nbd.REQUEST_MAGIC)
                    .appendShort(x.flags)
                    .appendShort(x.command)
                    .appendLong(handle)
                    .appendLong(x.offset)
                    .appendInt(x.command == Nbd.CMD_FLUSH ? 0 : x.length);
            Buffer request = header;
            if (x.command == Nbd.CMD_WRITE) {
                x.phase.bytesOut(x.length);
                request = BufferInternal.buffer(Unpooled.wrappedBuffer(
                        ((BufferInternal) header).getByteBuf(), ((BufferInternal) x.data).getByteBuf()));
            }
            x.sentNanos = System.nanoTime();
            socket.write(request);
        }

        private void parse() {
            while (true) {
                if (reading == null) {
                    if (in.readableBytes() < Nbd.SIMPLE_REPLY_BYTES) {
                        break;
                    }
                    int magic = in.readInt();
                    int error = in.readInt();
                    long handle = in.readLong();
                    if (magic != Nbd.SIMPLE_REPLY_MAGIC) {
                        protocolError(
                                magic == Nbd.STRUCTURED_REPLY_MAGIC
                                        ? "a structured reply, which was not negotiated"
                                        : "bad reply magic 0x" + Integer.toHexString(magic));
                        return;
                    }
                    Exchange x = pending.remove(handle);
                    if (x == null) {
                        protocolError("a reply for handle " + handle + ", which has no request in flight");
                        return;
                    }
                    if (x.command == Nbd.CMD_READ && error == 0) {
                        reading = x;
                    } else {
                        x.complete(error == 0 ? OK : Nbd.errorName(error), error == 0);
                    }
                } else {
                    Exchange x = reading;
                    if (in.readableBytes() < x.length) {
                        break;
                    }
                    boolean same = !verify || matches(x);
                    in.skipBytes(x.length);
                    reading = null;
                    x.phase.bytesIn(x.length);
                    x.complete(same ? OK : VERIFY_MISMATCH, same);
                }
            }
            in.discardSomeReadBytes();
        }

        /** The read's data (next in the buffer) is what the workload writes there, or zeros (never written). */
        private boolean matches(Exchange x) {
            int at = in.readerIndex();
            ByteBuf expected = ((BufferInternal) x.data).getByteBuf();
            if (ByteBufUtil.equals(in, at, expected, expected.readerIndex(), x.length)) {
                return true;
            }
            for (int i = 0; i < x.length; i++) {
                if (in.getByte(at + i) != 0) {
                    return false;
                }
            }
            return true;
        }

        private void protocolError(String problem) {
            lost(new IOException("bad reply from " + targets[target] + ": " + problem));
            socket.close();
        }

        /** Fails every request older than the timeout, then closes the connection (the rest fail with it). */
        void expire(long now, String limit) {
            List<Long> late = new ArrayList<>();
            for (LongObjectHashMap.PrimitiveEntry<Exchange> e : pending.entries()) {
                if (now - e.value().sentNanos > timeoutNanos) {
                    late.add(e.key());
                }
            }
            boolean readLate = reading != null && now - reading.sentNanos > timeoutNanos;
            if (late.isEmpty() && !readLate) {
                return;
            }
            TimeoutException timeout = new TimeoutException("no NBD reply within " + limit);
            if (readLate) {
                reading.fail(timeout);
                reading = null;
            }
            for (long handle : late) {
                pending.remove(handle).fail(timeout);
            }
            lost(new IOException("NBD connection to " + targets[target] + " closed after a request timed out"));
            socket.close();
        }

        /** The connection is gone: its requests fail, and unless the sender is closing a new one replaces it. */
        private void lost(Throwable cause) {
            if (gone) {
                return;
            }
            gone = true;
            if (reading != null) {
                reading.fail(cause);
                reading = null;
            }
            for (Exchange x : pending.values()) {
                x.fail(cause);
            }
            pending.clear();
            in.release();
            loop.connections[target].remove(this);
            loop.reconnect(target);
        }

        Future<Void> disconnect() {
            Buffer disc = Buffer.buffer(Nbd.REQUEST_HEADER_BYTES)
                    .appendInt(Nbd.REQUEST_MAGIC)
                    .appendShort((short) 0)
                    .appendShort(Nbd.CMD_DISC)
                    .appendLong(nextHandle++)
                    .appendLong(0)
                    .appendInt(0);
            return socket.write(disc).eventually(() -> socket.close());
        }
    }
}
