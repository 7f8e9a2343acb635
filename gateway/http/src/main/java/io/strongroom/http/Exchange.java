package io.strongroom.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.strongroom.core.admission.StorageAdmission;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.error.StrongroomException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * One request from arrival to response: the route, the slots it holds (concurrency, storage), its place in
 * the timeout list, and exactly-once answering (a late storage completion after a timeout answer is dropped).
 * Confined to the event loop of its connection: completions from elsewhere hop back first.
 */
final class Exchange {
    static final int CLIENT_CLOSED = 499;
    /** Longest client request id taken; a longer or unsafe one is replaced by a generated id. */
    static final int MAX_REQUEST_ID = 128;

    final ApiHandler owner;
    final ConnectionGuard guard;
    final HttpServerRequest request;
    final HttpServerResponse response;
    final long startNanos;
    /** The client's {@code X-Request-Id} when it is a safe one, else one generated; sent back on every answer. */
    final String requestId;

    Route route = Route.UNMATCHED;

    // RequestTimeouts links
    Exchange prev;
    Exchange next;
    long deadlineNanos;
    boolean linked;

    private boolean answered;
    private boolean stalled;
    private boolean holdsConcurrency;
    private boolean holdsStorage;
    private boolean storageBusy;
    private boolean claimed;
    private boolean paused;
    private long reservedBytes;
    private StorageAdmission.Ticket ticket;
    private Handler<Void> onStorageSlot;

    Exchange(ApiHandler owner, ConnectionGuard guard, HttpServerRequest request, long startNanos) {
        this.owner = owner;
        this.guard = guard;
        this.request = request;
        this.response = request.response();
        this.startNanos = startNanos;
        String id = request.getHeader(HeaderValues.X_REQUEST_ID);
        this.requestId = acceptableRequestId(id) ? id : owner.nextRequestId();
    }

    /** 1 to {@link #MAX_REQUEST_ID} characters of {@code [A-Za-z0-9._:-]}: safe in a header, a log line, JSON. */
    static boolean acceptableRequestId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_REQUEST_ID) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean safe = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == ':'
                    || c == '-';
            if (!safe) {
                return false;
            }
        }
        return true;
    }

    boolean answered() {
        return answered;
    }

    /** Takes a concurrency slot and starts the request timeout; false (and 429 answered) when at the limit. */
    boolean admit() {
        if (!owner.api.concurrency().tryAcquire()) {
            error(ErrorCode.TooManyRequests, "too many requests in progress; retry later");
            return false;
        }
        holdsConcurrency = true;
        owner.timeouts.add(this, startNanos + owner.api.requestTimeoutNanos());
        return true;
    }

    /**
     * Runs {@code action} once a storage slot is held. Without a free slot the request is paused (its
     * connection stops being read) until one is handed over: first one of its connection's claims ({@link
     * ConnectionGuard#claimStorage}), then one of the gateway's slots.
     */
    void withStorageSlot(Handler<Void> action) {
        onStorageSlot = action;
        if (guard.claimStorage(this)) {
            claimed = true;
            acquire(false);
        } else {
            pause();
        }
    }

    /** Called by the guard: a claim of the connection freed up and is now this exchange's. */
    void storageClaimed() {
        claimed = true;
        acquire(true);
    }

    private void acquire(boolean paused) {
        StorageAdmission admission = owner.api.admission();
        if (admission.tryAcquire()) {
            holdsStorage = true;
            if (paused) {
                resume();
            }
            runStorageAction();
            return;
        }
        if (!paused) {
            pause();
        }
        ticket = admission.enqueue(owner.context, v -> admitted());
    }

    private void admitted() {
        ticket = null;
        holdsStorage = true;
        if (answered) {
            releaseStorage();
            return;
        }
        resume();
        runStorageAction();
    }

    private void runStorageAction() {
        Handler<Void> action = onStorageSlot;
        onStorageSlot = null;
        try {
            action.handle(null);
        } catch (RuntimeException e) {
            fail(e);
        }
    }

    /** Stops reading the request body (and, under flow control, the connection) until {@link #resume}. */
    private void pause() {
        paused = true;
        request.pause();
    }

    private void resume() {
        paused = false;
        request.resume();
    }

    /**
     * Called once a request deferred by its connection's pending answers (paused by the guard) has been
     * dispatched: its handlers are set now, so the body may flow, unless the route paused it for a slot.
     */
    void undeferred() {
        if (!paused) {
            request.resume();
        }
    }

    /**
     * Holds the request body while {@code lookup} runs, then runs {@code then} on this event loop; the body flows
     * again afterwards unless {@code then} paused it itself.
     */
    void whileLooking(Future<?> lookup, Runnable then) {
        pause();
        lookup.onComplete(onLoop(ar -> {
            paused = false;
            then.run();
            if (!paused) {
                request.resume();
            }
        }));
    }

    /** Counts the answer of a block read against the connection's pending bytes from the start of the read. */
    void reserveResponse(long bytes) {
        reservedBytes = bytes;
        guard.reserve(bytes);
    }

    /**
     * Starts an operation of the volume service and hands its outcome to {@code then} on this event loop. A storage
     * slot held is kept until the operation completes, even if a timeout answers first. A synchronous throw counts
     * as a failed operation, so every request is answered.
     */
    <T> void run(Supplier<Future<T>> operation, Handler<AsyncResult<T>> then) {
        storageBusy = true;
        Future<T> started;
        try {
            started = operation.get();
        } catch (RuntimeException e) {
            started = Future.failedFuture(e);
        }
        started.onComplete(onLoop(then));
    }

    private void storageDone() {
        storageBusy = false;
        releaseStorage();
    }

    private void releaseStorage() {
        if (holdsStorage) {
            holdsStorage = false;
            owner.api.admission().release();
        }
        if (claimed) {
            claimed = false;
            guard.storageReleased();
        }
    }

    private <T> Handler<AsyncResult<T>> onLoop(Handler<AsyncResult<T>> then) {
        return ar -> {
            if (Thread.currentThread() == owner.loopThread) {
                storageDone();
                then.handle(ar);
            } else {
                owner.context.runOnContext(v -> {
                    storageDone();
                    then.handle(ar);
                });
            }
        };
    }

    /**
     * The decoded query parameters, or null after answering 400 InvalidArgument when the query is not valid
     * percent-encoding (Vert.x decodes it on first use and throws for, say, {@code %ZZ}: a client mistake, not a bug).
     */
    MultiMap queryParams() {
        try {
            return request.params();
        } catch (IllegalArgumentException e) {
            error(
                    ErrorCode.InvalidArgument,
                    "the query string is not valid percent-encoding: every '%' must be followed by two hex digits");
            return null;
        }
    }

    /** Answers 200 with a heap {@code body}: the collector frees it, nothing is released. */
    void bytes(Buffer body) {
        bytes(Unpooled.unreleasableBuffer(((BufferInternal) body).getByteBuf()));
    }

    /**
     * Answers 200 with {@code body}, which the exchange owns from here: it is released once written, once its write
     * failed (client gone), or at once if the request was answered already (a timeout) or is a HEAD.
     */
    void bytes(ByteBuf body) {
        if (!begin()) {
            body.release();
            return;
        }
        Future<Void> sent;
        try {
            int length = body.readableBytes();
            response.putHeader(HeaderValues.CONTENT_TYPE, HeaderValues.OCTET_STREAM)
                    .putHeader(HeaderValues.CONTENT_LENGTH, HeaderValues.contentLength(length));
            sent = end(200, BufferInternal.buffer(body), length);
        } catch (RuntimeException e) {
            body.release();
            throw e;
        }
        sent.onComplete(ar -> body.release());
    }

    void json(int status, JsonObject json) {
        if (begin()) {
            Buffer body = json.toBuffer();
            response.putHeader(HeaderValues.CONTENT_TYPE, HeaderValues.JSON)
                    .putHeader(HeaderValues.CACHE_CONTROL, HeaderValues.NO_STORE);
            end(status, body, body.length());
        }
    }

    void text(CharSequence contentType, Buffer body) {
        if (begin()) {
            response.putHeader(HeaderValues.CONTENT_TYPE, contentType);
            end(200, body, body.length());
        }
    }

    void noContent() {
        if (begin()) {
            end(204, null, 0);
        }
    }

    void fail(Throwable failure) {
        StrongroomException g = Failures.toStrongroom(failure, requestId);
        error(g.code(), g.getMessage());
    }

    void error(ErrorCode code, String message) {
        if (begin()) {
            sendError(code, message);
        }
    }

    /** 405 with the path's methods in {@code Allow}. */
    void methodNotAllowed(String allow) {
        if (begin()) {
            response.putHeader(HeaderValues.ALLOW, allow);
            sendError(ErrorCode.MethodNotAllowed, request.method() + " is not allowed here; allowed: " + allow);
        }
    }

    /** {@code OPTIONS} on a known path: 204 with its methods in {@code Allow}. */
    void options(String allow) {
        if (begin()) {
            response.putHeader(HeaderValues.ALLOW, allow);
            end(204, null, 0);
        }
    }

    private void sendError(ErrorCode code, String message) {
        if (code == ErrorCode.Unauthorized) {
            response.putHeader(HeaderValues.WWW_AUTHENTICATE, HeaderValues.BEARER_CHALLENGE);
        }
        if (code.retryable()) {
            response.putHeader(HeaderValues.RETRY_AFTER, HeaderValues.RETRY_AFTER_SECONDS);
        }
        Buffer body;
        if (Failures.wantsProblem(request.getHeader(HeaderValues.ACCEPT))) {
            body = Failures.problem(code, message, requestId);
            response.putHeader(HeaderValues.CONTENT_TYPE, HeaderValues.PROBLEM_JSON);
        } else {
            body = Failures.body(code, message, requestId);
            response.putHeader(HeaderValues.CONTENT_TYPE, HeaderValues.JSON);
        }
        end(HttpStatuses.of(code), body, body.length());
    }

    /** Called by {@link RequestTimeouts}: answers 503 RequestTimeout unless already answered. */
    void timedOut() {
        stalled = true;
        if (ticket != null && owner.api.admission().cancel(ticket)) {
            ticket = null;
        }
        error(
                ErrorCode.RequestTimeout,
                "the request did not complete within " + owner.api.requestTimeoutMillis() + " ms");
    }

    private boolean begin() {
        if (answered) {
            return false;
        }
        answered = true;
        owner.timeouts.remove(this);
        return true;
    }

    /**
     * Sends the answer. A {@code HEAD} request gets the headers a {@code GET} would (with its {@code Content-Length})
     * and no body.
     */
    private Future<Void> end(int status, Buffer body, int bodyLength) {
        response.setStatusCode(status);
        response.putHeader(HeaderValues.X_REQUEST_ID, requestId);
        boolean head = request.method() == HttpMethod.HEAD;
        if (head && body != null) {
            response.putHeader(HeaderValues.CONTENT_LENGTH, HeaderValues.contentLength(bodyLength));
        }
        int length = head ? 0 : bodyLength;
        boolean bodyPending =
                !request.isEnded() && (request.method() == HttpMethod.PUT || request.method() == HttpMethod.POST);
        boolean close = bodyPending && request.version() != HttpVersion.HTTP_2 && (stalled || !drainable());
        if (close) {
            response.putHeader(HeaderValues.CONNECTION, HeaderValues.CLOSE);
        }
        // Slots are freed before the answer leaves: a client that has it may send its next request at once, on
        // another event loop, and must not find its own finished request still counted against the limit.
        finish(status, length);
        Future<Void> sent = body == null || head ? response.end() : response.end(body);
        guard.handOver(reservedBytes, length);
        reservedBytes = 0;
        if (length > 0) {
            sent.onComplete(ar -> guard.sent(length));
        }
        if (bodyPending) {
            request.handler(null);
            if (close) {
                sent.onComplete(ar -> request.connection().close());
            } else {
                request.resume();
            }
        }
        return sent;
    }

    /**
     * The connection closed or failed before the answer (client gone): nothing can be sent; the slots are freed
     * and the request is counted with status 499, as nginx does for a client that closed the request.
     */
    void connectionFailed(Throwable cause) {
        if (!begin()) {
            return;
        }
        if (ticket != null && owner.api.admission().cancel(ticket)) {
            ticket = null;
        }
        if (reservedBytes > 0) {
            guard.unreserve(reservedBytes);
            reservedBytes = 0;
        }
        finish(CLIENT_CLOSED, 0);
    }

    private void finish(int status, int length) {
        if (!storageBusy) {
            releaseStorage();
        }
        if (holdsConcurrency) {
            holdsConcurrency = false;
            owner.api.concurrency().release();
        }
        long now = System.nanoTime();
        guard.requestFinished(now);
        owner.api.requestMetrics().record(route.ordinal(), request.method(), status, now - startNanos);
        if (length > 0) {
            owner.api.requestMetrics().addBytesOut(length);
        }
    }

    /**
     * Answered before the request body was read (an error, a timeout). A small body of declared length that is
     * not held back by backpressure is read and dropped, keeping the connection (unless the request timed out:
     * its client is stalled); HTTP/2 does the same per
     * stream (which returns its flow-control credit). Otherwise an HTTP/1.x connection is closed once the
     * answer is written, since the rest of its body may be paused or unbounded: a lingering close ({@link
     * Http1Intake}), which reads and drops what the client still sends for a while so that a reset cannot cost it
     * the answer.
     */
    private boolean drainable() {
        if (ticket != null) {
            return false;
        }
        String declared = request.getHeader(HeaderValues.CONTENT_LENGTH);
        long length = declared == null ? -1 : BlockRoutes.parseAddress(declared.trim());
        return length >= 0 && length <= owner.api.maxBodyBytes();
    }
}
