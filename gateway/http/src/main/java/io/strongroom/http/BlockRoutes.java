package io.strongroom.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.strongroom.core.error.ErrorCode;
import io.strongroom.core.volume.VolumeService;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The data routes: read and write runs of blocks, trim, flush. Every check that can fail happens before a
 * byte reaches the volume service, so bad input changes nothing; the body of a write is read only after
 * its length is known to be right; its storage slot is taken when the body starts to arrive (backpressure).
 */
final class BlockRoutes {
    static final String COUNT_PARAM = "count=";
    private static final int MAX_JSON_BODY = 4096;

    private final HttpApi api;
    private final VolumeService volumes;

    BlockRoutes(HttpApi api) {
        this.api = api;
        this.volumes = api.volumes();
    }

    void read(Exchange ex, String volume, String blockText) {
        readRun(ex, volume, blockText, (first, count) -> volumes.readDirect(volume, first, count));
    }

    /** A run of a snapshot's blocks: checked and answered like the volume's own. */
    void readSnapshot(Exchange ex, String volume, String snapshot, String blockText) {
        readRun(
                ex,
                volume,
                blockText,
                (first, count) -> volumes.readSnapshot(volume, snapshot, first, count)
                        .map(b -> Unpooled.unreleasableBuffer(((BufferInternal) b).getByteBuf())));
    }

    /** Reads a run of plaintext blocks from the volume or one of its snapshots into a buffer the exchange owns. */
    private interface RunReader {
        Future<ByteBuf> read(long first, int count);
    }

    private void readRun(Exchange ex, String volume, String blockText, RunReader reader) {
        long first = parseAddress(blockText);
        int count = parseCount(ex.request.query());
        if (first < 0 || count < 0) {
            rejectAddress(ex, blockText, first);
            return;
        }
        withVolume(ex, volume, blockSize -> {
            ex.reserveResponse((long) count * blockSize);
            ex.withStorageSlot(v -> ex.run(() -> reader.read(first, count), ar -> {
                if (ar.succeeded()) {
                    ex.bytes(ar.result());
                } else {
                    ex.fail(ar.cause());
                }
            }));
        });
    }

    void write(Exchange ex, String volume, String blockText) {
        HttpServerRequest request = ex.request;
        long first = parseAddress(blockText);
        int count = parseCount(request.query());
        if (first < 0 || count < 0) {
            rejectAddress(ex, blockText, first);
            return;
        }
        withVolume(ex, volume, blockSize -> write(ex, first, count, volume, blockSize));
    }

    private void write(Exchange ex, long first, int count, String volume, int blockSize) {
        HttpServerRequest request = ex.request;
        long expected = (long) count * blockSize;
        if (expected > api.maxBodyBytes()) {
            ex.error(
                    ErrorCode.PayloadTooLarge,
                    count + " blocks of " + blockSize + " bytes exceed the body limit of " + api.maxBodyBytes()
                            + " bytes");
            return;
        }
        String declared = request.getHeader(HeaderValues.CONTENT_LENGTH);
        if (declared != null) {
            long length = parseLength(declared);
            if (length > api.maxBodyBytes()) {
                ex.error(
                        ErrorCode.PayloadTooLarge,
                        "the body of " + declared + " bytes exceeds the limit of " + api.maxBodyBytes());
                return;
            }
            if (length != expected) {
                ex.error(ErrorCode.BadBodyLength, badLength(declared, count, blockSize, expected));
                return;
            }
        }
        BodyCollector body = new BodyCollector(
                (int) expected,
                (int) expected,
                () -> ex.error(
                        ErrorCode.BadBodyLength,
                        "the body is longer than " + count + " x " + blockSize + " = " + expected + " bytes"));
        // The storage slot is taken when the body starts to arrive, not at the headers: a client that sends headers
        // and no body holds nothing but its stream (flow control stops it at one window per stream).
        request.handler(chunk -> {
            request.handler(body);
            body.handle(chunk);
            if (!ex.answered()) {
                ex.withStorageSlot(v -> {});
            }
        });
        request.exceptionHandler(ex::connectionFailed);
        request.endHandler(v -> {
            if (ex.answered()) {
                return;
            }
            api.requestMetrics().addBytesIn(body.length());
            if (body.length() != expected) {
                ex.error(ErrorCode.BadBodyLength, badLength(Long.toString(body.length()), count, blockSize, expected));
                return;
            }
            ex.run(() -> volumes.write(volume, first, body.body()), ar -> done(ex, ar.cause()));
        });
        continueIfExpected(request);
    }

    void trim(Exchange ex, String volume) {
        readJson(ex, json -> {
            long first = json.getValue("first") instanceof Number n ? n.longValue() : -1;
            long count = json.getValue("count") instanceof Number n ? n.longValue() : -1;
            if (first < 0 || count < 1) {
                ex.error(ErrorCode.InvalidArgument, "trim needs {\"first\": <block, >= 0>, \"count\": <blocks, >= 1>}");
                return;
            }
            withVolume(
                    ex,
                    volume,
                    blockSize -> ex.withStorageSlot(
                            v -> ex.run(() -> volumes.trim(volume, first, count), ar -> done(ex, ar.cause()))));
        });
    }

    void flush(Exchange ex, String volume) {
        withVolume(
                ex,
                volume,
                blockSize -> ex.withStorageSlot(v -> ex.run(() -> volumes.flush(volume), ar -> done(ex, ar.cause()))));
    }

    /**
     * Runs {@code route} with the block size of volume {@code volume}, before a storage slot is taken or a body read.
     * A volume this gateway does not know is looked up first (on a store other gateways share, another gateway may
     * have created it), with the body held meanwhile; VolumeNotFound if it does not exist.
     */
    private void withVolume(Exchange ex, String volume, IntConsumer route) {
        OptionalInt known = volumes.blockSize(volume);
        if (known.isPresent()) {
            route.accept(known.getAsInt());
            return;
        }
        ex.whileLooking(volumes.get(volume), () -> {
            OptionalInt found = volumes.blockSize(volume);
            if (found.isPresent()) {
                route.accept(found.getAsInt());
            } else {
                volumeNotFound(ex, volume);
            }
        });
    }

    private static void volumeNotFound(Exchange ex, String volume) {
        ex.error(ErrorCode.VolumeNotFound, "no volume named " + volume);
    }

    /**
     * Reads a small JSON object body (trim, create, key changes); InvalidArgument if it is not one. A body labelled
     * with another media type is refused unread (415); one without a Content-Type is read as JSON.
     */
    static void readJson(Exchange ex, Consumer<JsonObject> then) {
        HttpServerRequest request = ex.request;
        String type = request.getHeader(HeaderValues.CONTENT_TYPE);
        if (type != null && !isJson(type)) {
            ex.error(
                    ErrorCode.UnsupportedMediaType,
                    "this route takes a JSON body: send it with Content-Type: application/json");
            return;
        }
        BodyCollector body = new BodyCollector(
                MAX_JSON_BODY,
                256,
                () -> ex.error(ErrorCode.PayloadTooLarge, "a JSON body is limited to " + MAX_JSON_BODY + " bytes"));
        request.handler(body);
        request.exceptionHandler(ex::connectionFailed);
        request.endHandler(v -> {
            if (ex.answered()) {
                return;
            }
            JsonObject json;
            try {
                json = body.length() == 0 ? new JsonObject() : new JsonObject(body.body());
            } catch (DecodeException | ClassCastException e) {
                ex.error(ErrorCode.InvalidArgument, "the body is not a JSON object");
                return;
            }
            try {
                then.accept(json);
            } catch (RuntimeException e) {
                ex.fail(e);
            }
        });
        continueIfExpected(request);
    }

    /** {@code application/json}, with or without parameters ({@code charset=utf-8}), in any letter case. */
    static boolean isJson(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .equalsIgnoreCase("application/json");
    }

    private static void done(Exchange ex, Throwable failure) {
        if (failure == null) {
            ex.noContent();
        } else {
            ex.fail(failure);
        }
    }

    /** Answers {@code Expect: 100-continue} once the request has passed every check that needs no body. */
    private static void continueIfExpected(HttpServerRequest request) {
        String expect = request.getHeader(HeaderValues.EXPECT);
        if (expect != null && expect.equalsIgnoreCase("100-continue")) {
            request.response().writeContinue();
        }
    }

    private void rejectAddress(Exchange ex, String blockText, long first) {
        if (first < 0) {
            ex.error(
                    ErrorCode.InvalidAddress,
                    "block address '" + abbreviate(blockText) + "' is not a non-negative integer");
        } else {
            ex.error(ErrorCode.InvalidArgument, "count must be an integer 1.." + api.maxBlocksPerRequest());
        }
    }

    private static String badLength(String actual, int count, int blockSize, long expected) {
        return "the body has " + actual + " bytes; " + count + " block(s) of " + blockSize + " bytes need " + expected;
    }

    /** Decimal digits only (no sign, no spaces), at most 18 of them; -1 otherwise. */
    static long parseAddress(String text) {
        int n = text.length();
        if (n == 0 || n > 18) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** The {@code count} query parameter: 1 when absent, -1 when not an integer in 1..maxBlocksPerRequest. */
    int parseCount(String query) {
        if (query == null || query.isEmpty()) {
            return 1;
        }
        int at = query.startsWith(COUNT_PARAM) ? 0 : query.indexOf("&" + COUNT_PARAM);
        if (at < 0) {
            return 1;
        }
        int start = at == 0 ? COUNT_PARAM.length() : at + 1 + COUNT_PARAM.length();
        int end = query.indexOf('&', start);
        long count = parseAddress(end < 0 ? query.substring(start) : query.substring(start, end));
        return count >= 1 && count <= api.maxBlocksPerRequest() ? (int) count : -1;
    }

    private static long parseLength(String text) {
        long n = parseAddress(text.trim());
        return n < 0 ? Long.MAX_VALUE : n;
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
