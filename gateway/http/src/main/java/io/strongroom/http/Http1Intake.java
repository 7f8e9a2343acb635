package io.strongroom.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.strongroom.core.error.ErrorCode;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.TimeUnit;

/**
 * What an HTTP/1.x connection's decoder hands to Vert.x passes here first, and every close of the connection but
 * the guard's hard one. Four jobs:
 *
 * <ul>
 *   <li>A request the decoder could not read (a bad request line or header, a line or header block over the limit,
 *       a protocol version other than 1.0 and 1.1, a malformed chunk in its body) never reaches Vert.x. Once every
 *       request before it is answered, it gets a JSON error ({@code InvalidArgument} 400, {@code UriTooLong} 414,
 *       {@code HeadersTooLarge} 431, {@code VersionNotSupported} 505) with {@code Connection: close}, and the
 *       connection closes lingering once that is written (see {@link #linger}). Vert.x's own answer to such
 *       a request has an empty body, and its way of failing the connection afterwards can fire the decoder's
 *       exception into a pipeline already torn down, where Netty logs it with a stack trace.
 *   <li>A body part leaves the decoder as a slice of the pooled read buffer. Vert.x copies it to the heap when it
 *       delivers it, but a part it queues behind an earlier pipelined request is never released if the connection
 *       closes first, and the pooled buffer leaks. Parts are copied here, once, so nothing pooled is queued.
 *   <li>A close is a lingering close ({@link #linger}), so answers still queued for the client are not lost to a
 *       reset when it has sent more than the gateway read.
 *   <li>A failure of the connection (a reset) closes it here and never reaches Vert.x ({@link #exceptionCaught}).
 * </ul>
 *
 * <p>Vert.x exposes no pipeline hook for HTTP servers, so the pipeline is reached through its connection
 * implementation ({@link ConnectionBase}); {@code MalformedRequestTest} in gateway/server fails if that stops working.
 */
final class Http1Intake extends ChannelDuplexHandler {
    /** Longest a closing connection keeps reading (and dropping) what its client still sends. */
    static final long LINGER_MILLIS = 2000;

    private long requests;
    private long answers;
    private boolean answering;
    /** The answer to the request that could not be read, once one is met; everything after it is dropped. */
    private FullHttpResponse refusal;
    /** The refusal went out (or the answer it waited behind was cut short): the connection is closing. */
    private boolean refused;
    /** Closing: the output is shut down (or about to be) and what still arrives is dropped. */
    private boolean lingering;

    /** Adds the handler in front of Vert.x's own on an HTTP/1.x connection; HTTP/2 frames need none. */
    static void install(HttpConnection connection) {
        if (connection instanceof ConnectionBase base) {
            ChannelPipeline pipeline = base.channel().pipeline();
            if (pipeline.get("httpDecoder") != null && pipeline.get("handler") != null) {
                pipeline.addBefore("handler", "strongroomHttp1Intake", new Http1Intake());
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refusal != null || lingering) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            requests++;
            FullHttpResponse refused = refusalOf(request);
            if (refused != null) {
                refuse(ctx, msg, refused);
                return;
            }
        }
        if (msg instanceof HttpContent content && msg != LastHttpContent.EMPTY_LAST_CONTENT) {
            if (!content.decoderResult().isSuccess()) {
                refuse(ctx, msg, answer(ErrorCode.InvalidArgument, "the request body is not valid HTTP/1.1"));
                return;
            }
            HttpContent copy = content.replace(Unpooled.wrappedBuffer(ByteBufUtil.getBytes(content.content())));
            content.release();
            ctx.fireChannelRead(copy);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static FullHttpResponse refusalOf(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            Throwable cause = result.cause();
            if (cause instanceof TooLongHttpLineException) {
                return answer(ErrorCode.UriTooLong, "the request line is longer than the gateway reads");
            }
            if (cause instanceof TooLongHttpHeaderException) {
                return answer(ErrorCode.HeadersTooLarge, "the request headers are larger than the gateway reads");
            }
            return answer(ErrorCode.InvalidArgument, "the request line or headers are not valid HTTP/1.1");
        }
        HttpVersion version = request.protocolVersion();
        if (!version.equals(HttpVersion.HTTP_1_1) && !version.equals(HttpVersion.HTTP_1_0)) {
            FullHttpResponse refused =
                    answer(ErrorCode.VersionNotSupported, "only HTTP/1.0, HTTP/1.1 and HTTP/2 are served");
            return HttpMethod.HEAD.equals(request.method()) ? refused.replace(Unpooled.EMPTY_BUFFER) : refused;
        }
        return null;
    }

    /** The refusal, with {@code Content-Length} set to its JSON body's length (kept on an answer to HEAD). */
    private static FullHttpResponse answer(ErrorCode code, String message) {
        byte[] body = Failures.body(code, message).getBytes();
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(HttpStatuses.of(code)), Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return response;
    }

    private void refuse(ChannelHandlerContext ctx, Object msg, FullHttpResponse answer) {
        ReferenceCountUtil.release(msg);
        refusal = answer;
        ctx.channel().config().setAutoRead(false);
        answerIfDue(ctx);
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
        if (refusal != null) {
            answerIfDue(ctx);
        }
    }

    /**
     * Once only the unreadable request is left unanswered, sends its refusal and closes lingering. If its answer had
     * begun already, the connection closes the same way once that part is written.
     */
    private void answerIfDue(ChannelHandlerContext ctx) {
        if (refused || lingering || answers + 1 < requests || !ctx.channel().isActive()) {
            return;
        }
        refused = true;
        if (answers + 1 == requests && !answering) {
            answers++;
            ctx.write(refusal);
        }
        linger(ctx);
    }

    /**
     * Every close asked of the connection (Vert.x's after an answer with {@code Connection: close}, the gateway's
     * after an answer sent before its request body was read, the refusal's) is a lingering close; see {@link
     * #linger}. A close asked for while lingering completes when the connection does. The connection guard's close
     * of a stalled client starts at the head of the pipeline and does not pass here.
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        Channel channel = ctx.channel();
        if (!(channel instanceof DuplexChannel) || !channel.isActive()) {
            ctx.close(promise);
            return;
        }
        channel.closeFuture().addListener(closed -> promise.trySuccess());
        linger(ctx);
    }

    /**
     * Closes the way nginx's lingering close does. A socket closed with input unread is reset, and a reset drops what
     * is still in its send queue: answers to earlier pipelined requests that the client had not read yet were lost
     * (a client that pipelines a request with {@code Connection: close} and more bytes after it, or one that reads
     * slowly). So what is queued is flushed, a TLS connection sends its close_notify, the output is shut down (the
     * queue goes out, then FIN), and the input is read and dropped until the client closes or {@link
     * #LINGER_MILLIS} pass.
     */
    private void linger(ChannelHandlerContext ctx) {
        if (lingering) {
            return;
        }
        lingering = true;
        DuplexChannel channel = (DuplexChannel) ctx.channel();
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(flushed -> {
            if (!flushed.isSuccess()) {
                ctx.close();
            } else if (tls == null) {
                shutOutput(ctx, channel);
            } else {
                tls.closeOutbound().addListener(notified -> {
                    if (notified.isSuccess()) {
                        shutOutput(ctx, channel);
                    } else {
                        ctx.close();
                    }
                });
            }
        });
    }

    private static void shutOutput(ChannelHandlerContext ctx, DuplexChannel channel) {
        channel.shutdownOutput().addListener(shut -> {
            if (!shut.isSuccess()) {
                ctx.close();
                return;
            }
            channel.config().setAutoRead(true);
            channel.eventLoop().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
        });
    }

    /**
     * A failure of the connection under HTTP (a client that reset it, a broken pipe, a TLS record that does not
     * decode) ends the connection here, with {@link HttpServerVerticle#clientError}'s debug line, and goes no further.
     * Vert.x 5.0.7's handling of it throws a {@code NullPointerException} when a pipelined request waits behind the
     * answer in progress (that request has no response yet), which Netty logs, a WARNING at INFO level, for every
     * client that resets such a connection. Vert.x still sees the channel go inactive, and the request in progress
     * fails as after any close.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        HttpServerVerticle.clientError(cause);
        ctx.close();
    }
}
