package io.strongroom.http;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.ArrayDeque;

/**
 * What one HTTP connection costs and whether it still earns its place, confined to its event loop.
 *
 * <ul>
 *   <li>Response bytes: reserved when a block read starts, handed to the connection when its answer is written,
 *       released when Netty has written them to the socket. While a connection has {@link
 *       ConnectionLimits#maxPendingBytes} pending, its new requests are deferred (paused, no storage read started),
 *       so a client that does not read costs bounded memory however many requests it pipelines or multiplexes.
 *   <li>Write stall: answers handed over and none of them sent for {@link ConnectionLimits#writeStallTimeoutNanos}
 *       closes the connection.
 *   <li>Header read and idle: no complete request within the header-read timeout of opening, or nothing in
 *       progress for the idle timeout, closes it.
 *   <li>Storage slots: at most {@link ConnectionLimits#maxStorageSlots} held or queued for; more wait here, in
 *       arrival order, so one connection cannot take the gateway's whole storage queue.
 * </ul>
 */
final class ConnectionGuard {
    final HttpConnection connection;
    private final HttpApi api;
    private final ConnectionLimits limits;
    private final long openedNanos;
    private boolean requestSeen;
    private int inFlight;
    private long idleSinceNanos;
    private long pendingBytes;
    private long unsentBytes;
    private long progressNanos;
    private int storageClaims;
    private ArrayDeque<Exchange> deferred;
    private ArrayDeque<Exchange> slotWaiters;
    private boolean closed;

    ConnectionGuard(HttpConnection connection, HttpApi api, long nowNanos) {
        this.connection = connection;
        this.api = api;
        this.limits = api.connectionLimits();
        this.openedNanos = nowNanos;
        this.idleSinceNanos = nowNanos;
    }

    /** Requests started and not yet answered (HTTP/2: streams in progress). */
    int inFlight() {
        return inFlight;
    }

    void requestStarted() {
        requestSeen = true;
        inFlight++;
    }

    void requestFinished(long nowNanos) {
        if (--inFlight == 0) {
            idleSinceNanos = nowNanos;
        }
    }

    /** True while the connection has as many response bytes pending as it may: new requests wait. */
    boolean writeBlocked() {
        return pendingBytes >= limits.maxPendingBytes();
    }

    /** Holds a request (paused) until the connection's pending answers drain; see {@link #sent}. */
    void defer(Exchange ex) {
        if (deferred == null) {
            deferred = new ArrayDeque<>();
        }
        ex.request.pause();
        deferred.add(ex);
    }

    /** Bytes a block read will answer with, counted from its start so concurrent reads cannot overshoot. */
    void reserve(long bytes) {
        pendingBytes += bytes;
        api.pendingBytesTotal().add(bytes);
    }

    /** An answer of {@code length} bytes written to the connection in place of {@code reserved} bytes. */
    void handOver(long reserved, long length) {
        long delta = length - reserved;
        if (delta != 0) {
            pendingBytes += delta;
            api.pendingBytesTotal().add(delta);
        }
        if (length > 0) {
            if (unsentBytes == 0) {
                progressNanos = System.nanoTime();
            }
            unsentBytes += length;
        }
    }

    /** Reserved bytes that will not be answered (the connection failed first). */
    void unreserve(long bytes) {
        pendingBytes -= bytes;
        api.pendingBytesTotal().add(-bytes);
    }

    /** An answer of {@code length} bytes left for the socket (or was dropped with a closed connection). */
    void sent(long length) {
        pendingBytes -= length;
        unsentBytes -= length;
        api.pendingBytesTotal().add(-length);
        progressNanos = System.nanoTime();
        if (deferred != null && pendingBytes <= limits.maxPendingBytes() / 2) {
            Exchange next;
            while (!writeBlocked() && (next = deferred.poll()) != null) {
                next.owner.dispatchDeferred(next);
                next.undeferred();
            }
        }
    }

    /** Takes one of the connection's storage claims; false when all are taken (the exchange waits here). */
    boolean claimStorage(Exchange ex) {
        if (storageClaims < limits.maxStorageSlots()) {
            storageClaims++;
            return true;
        }
        if (slotWaiters == null) {
            slotWaiters = new ArrayDeque<>();
        }
        slotWaiters.add(ex);
        return false;
    }

    /** A claim given back: the next exchange of this connection still waiting takes it. */
    void storageReleased() {
        storageClaims--;
        if (slotWaiters == null || closed) {
            return;
        }
        Exchange next;
        while ((next = slotWaiters.poll()) != null) {
            if (!next.answered()) {
                storageClaims++;
                next.storageClaimed();
                return;
            }
        }
    }

    /** Why this connection should be closed now, or null to keep it. */
    ConnectionCloseReason expired(long nowNanos) {
        if (unsentBytes > 0 && nowNanos - progressNanos > limits.writeStallTimeoutNanos()) {
            return ConnectionCloseReason.WRITE_STALL;
        }
        if (inFlight > 0 || pendingBytes > 0) {
            return null;
        }
        if (!requestSeen) {
            return nowNanos - openedNanos > limits.headerReadTimeoutNanos()
                    ? ConnectionCloseReason.HEADER_TIMEOUT
                    : null;
        }
        return nowNanos - idleSinceNanos > limits.idleTimeoutNanos() ? ConnectionCloseReason.IDLE_TIMEOUT : null;
    }

    /**
     * Closes the socket at once. Vert.x's {@code HttpConnection.close()}, like a close through its pipeline handler,
     * is a graceful shutdown that waits for the answer in progress, which a client that reads nothing never takes:
     * the close starts at the head of the pipeline instead, reached through Vert.x's connection implementation as in
     * {@link Http1Intake}. Vert.x still sees the channel go inactive and cleans up.
     */
    void closeNow() {
        ((ConnectionBase) connection).channel().pipeline().firstContext().close();
    }

    /** The connection closed: requests still waiting here will never be served. */
    void closed(Throwable cause) {
        closed = true;
        failAll(deferred, cause);
        failAll(slotWaiters, cause);
    }

    private static void failAll(ArrayDeque<Exchange> waiting, Throwable cause) {
        if (waiting == null) {
            return;
        }
        Exchange ex;
        while ((ex = waiting.poll()) != null) {
            ex.connectionFailed(cause);
        }
    }
}
