package io.strongroom.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;

/**
 * Collects a request body up to a limit. A body that arrives in one chunk is used as is (no copy); a body in
 * several chunks is copied once into a buffer sized for the expected length. Past the limit the collector
 * drops what it has and calls {@code onOverflow} once, so a client cannot make the gateway buffer more.
 */
final class BodyCollector implements Handler<Buffer> {
    private final int limit;
    private final int initialCapacity;
    private final Runnable onOverflow;
    private Buffer single;
    private Buffer joined;
    private long length;
    private boolean overflow;

    BodyCollector(int limit, int initialCapacity, Runnable onOverflow) {
        this.limit = limit;
        this.initialCapacity = initialCapacity;
        this.onOverflow = onOverflow;
    }

    @Override
    public void handle(Buffer chunk) {
        if (overflow) {
            return;
        }
        length += chunk.length();
        if (length > limit) {
            overflow = true;
            single = null;
            joined = null;
            onOverflow.run();
            return;
        }
        if (single == null && joined == null) {
            single = chunk;
            return;
        }
        if (joined == null) {
            joined = Buffer.buffer(Math.max(initialCapacity, (int) length));
            joined.appendBuffer(single);
            single = null;
        }
        joined.appendBuffer(chunk);
    }

    boolean overflowed() {
        return overflow;
    }

    long length() {
        return length;
    }

    Buffer body() {
        return joined != null ? joined : single != null ? single : Buffer.buffer();
    }
}
