package dev.cairn.agent.relay;

import dev.cairn.storeapi.remotewrite.RemoteWriteDecoder;
import dev.cairn.storeapi.remotewrite.RemoteWriteException;
import dev.cairn.storeapi.remotewrite.RemoteWriteHandler;
import dev.cairn.storeapi.remotewrite.RemoteWriteVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.xerial.snappy.Snappy;

/**
 * The relay's fast path for what Prometheus sends: a well-formed remote-write 1.0 POST to
 * {@code /api/v1/write} whose series are all valid goes, by {@link RecordTranscoder}, straight
 * into the {@link DiskQueue} (fsynced, then 204) without being decoded into strings. Every other
 * request — another path or method, 2.0, damaged snappy or protobuf, an invalid series, an unusual
 * shape — is passed on untouched to the storeapi {@link RemoteWriteHandler} behind it, which
 * answers it exactly as before. Answers as that handler answers: 204 once stored, 500 with the
 * reason when the queue could not store it (the sender retries). One per connection.
 */
final class FastWriteHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(FastWriteHandler.class.getName());
    private static final String PATH = "/api/v1/write";
    /** Scratch kept between requests; one huge request must not pin tens of MiB per connection. */
    private static final int KEEP = 256 << 10;

    private final DiskQueue queue;
    private final int maxDecompressed;
    private final RecordTranscoder transcoder = new RecordTranscoder();
    private byte[] scratch = new byte[64 << 10];
    /** The compressed body, when Netty holds it off-heap. */
    private byte[] body = new byte[16 << 10];

    FastWriteHandler(DiskQueue queue, int maxDecompressed) {
        this.queue = queue;
        this.maxDecompressed = maxDecompressed;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req) || !taken(ctx, req)) {
            ctx.fireChannelRead(msg);
        }
    }

    /** True when this handler answered the request (and released it). */
    private boolean taken(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.method().equals(HttpMethod.POST) || !req.decoderResult().isSuccess() || !isWritePath(req.uri())) {
            return false;
        }
        try {
            if (RemoteWriteDecoder.negotiate(req.headers().get(HttpHeaderNames.CONTENT_TYPE),
                    req.headers().get(HttpHeaderNames.CONTENT_ENCODING)) != RemoteWriteVersion.V1) {
                return false;
            }
        } catch (RemoteWriteException e) {
            return false;
        }
        ByteBuf content = req.content();
        int n = uncompress(content);
        if (n < 0) {
            return false;
        }
        long samples = transcoder.transcode(scratch, 0, n);
        if (scratch.length > KEEP) {
            scratch = new byte[64 << 10];
        }
        if (samples < 0) {
            return false;
        }
        FullHttpResponse resp;
        try {
            if (transcoder.series() > 0) {
                queue.append(transcoder.array(), transcoder.length(), samples);
            }
            resp = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.NO_CONTENT);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "remote write sink failed; the sender will retry", e);
            ByteBuf body = Unpooled.copiedBuffer("storing remote write samples failed: " + e + "\n",
                    StandardCharsets.UTF_8);
            resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.INTERNAL_SERVER_ERROR, body);
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            resp.headers().set("X-Content-Type-Options", "nosniff");
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpVersion version = req.protocolVersion();
        ReferenceCountUtil.release(req);
        HttpUtil.setContentLength(resp, resp.content().readableBytes());
        if (keepAlive) {
            if (!version.isKeepAliveDefault()) {
                resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(resp);
        } else {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
        return true;
    }

    /** The path alone, as QueryStringDecoder would give it, without building one. */
    private static boolean isWritePath(String uri) {
        return uri.startsWith(PATH) && (uri.length() == PATH.length() || uri.charAt(PATH.length()) == '?');
    }

    /** Snappy-uncompresses the body into the scratch; its length, or -1 when the decoder should judge it. */
    private int uncompress(ByteBuf content) {
        byte[] body;
        int off;
        int len = content.readableBytes();
        if (content.hasArray()) {
            body = content.array();
            off = content.arrayOffset() + content.readerIndex();
        } else {
            if (this.body.length < len || this.body.length > KEEP) {
                this.body = new byte[Math.max(len, 16 << 10)];
            }
            body = this.body;
            content.getBytes(content.readerIndex(), body, 0, len);
            off = 0;
        }
        try {
            int n = Snappy.uncompressedLength(body, off, len);
            if (n < 0 || n > maxDecompressed) {
                return -1;
            }
            if (scratch.length < n) {
                scratch = new byte[Math.max(n, Math.min(maxDecompressed, scratch.length * 2))];
            }
            return Snappy.uncompress(body, off, len, scratch, 0) == n ? n : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
