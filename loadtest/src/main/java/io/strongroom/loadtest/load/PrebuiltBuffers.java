package io.strongroom.loadtest.load;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.ByteBuffer;

/**
 * Payloads built once and written many times. The bytes live in a JDK direct {@link ByteBuffer}
 * (freed by the GC, nothing to release), wrapped unreleasable so that every write, which releases its
 * own duplicate, leaves the content in place; Netty writes direct memory to the socket without copying.
 */
public final class PrebuiltBuffers {

    private PrebuiltBuffers() {}

    public static Buffer direct(byte[] data) {
        ByteBuffer bb = ByteBuffer.allocateDirect(data.length).put(data).flip();
        return BufferInternal.buffer(Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bb)));
    }
}
