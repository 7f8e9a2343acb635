package io.strongroom.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.strongroom.core.error.ErrorCode;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * An HTTP/1.x request the decoder cannot read (a bad chunk size in its body, say) is answered 400 after every
 * request before it, then the connection closes.
 *
 * <p>Vert.x fails the connection as soon as such a body reaches it, and the failure closes the channel before the
 * answer to an earlier pipelined request (written, not yet flushed) leaves: that request went unanswered. This
 * handler sits between the HTTP codec and Vert.x: it keeps the broken body from Vert.x and stops reading (the
 * decoder discards the rest anyway); once every earlier request is answered, it sends a 400 {@code
 * InvalidArgument} with {@code Connection: close} and closes after it is written. Vert.x exposes no pipeline hook
 * for HTTP servers, so the pipeline is reached through its connection implementation ({@link ConnectionBase});
 * {@code MalformedRequestTest} in gateway/server fails if that stops working.
 */
final class MalformedBodyHandler extends ChannelDuplexHandler {
    private static final byte[] BODY = Failures.body(
                    ErrorCode.InvalidArgument, "the request body is not valid HTTP/1.1 (a malformed chunk)")
            .getBytes();

    private long requests;
    private long answers;
    private boolean answering;
    private boolean malformed;

    /** Adds the handler in front of Vert.x's own on an HTTP/1.x connection; HTTP/2 frames need none. */
    static void install(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            ChannelPipeline pipeline = base.channel().pipeline();
            if (pipeline.get("httpDecoder") != null && pipeline.get("handler") != null) {
                pipeline.addBefore("handler", "strongroomMalformedBody", new MalformedBodyHandler());
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (malformed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest) {
            requests++;
        }
        if (msg instanceof HttpContent content && !content.decoderResult().isSuccess()) {
            ReferenceCountUtil.release(msg);
            malformed = true;
            ctx.channel().config().setAutoRead(false);
            answerIfDue(ctx);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            answering = true;
        }
        if (msg instanceof LastHttpContent && answering) {
            answering = false;
            answers++;
        }
        ctx.write(msg, promise);
        if (malformed) {
            answerIfDue(ctx);
        }
    }

    /**
     * Once only the broken request is left unanswered, sends its 400 and closes. If its answer had begun already,
     * the connection closes once that part is written.
     */
    private void answerIfDue(ChannelHandlerContext ctx) {
        if (answers + 1 < requests || !ctx.channel().isActive()) {
            return;
        }
        if (answers + 1 == requests && !answering) {
            FullHttpResponse bad = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST, Unpooled.wrappedBuffer(BODY));
            bad.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .set(HttpHeaderNames.CONTENT_LENGTH, BODY.length)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            answers++;
            ctx.writeAndFlush(bad).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
