package dev.cairn.storeapi.remotewrite;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Serves Prometheus remote write on one path (Prometheus itself uses {@code /api/v1/write}) and
 * answers as Prometheus's receiver answers, because senders act on the class of the status:
 * <ul>
 *   <li>204 — taken; the sender moves on.
 *   <li>400 with the reasons as text — malformed body, invalid series, or data the sink refuses
 *       for good; the sender drops the batch (valid series of the same request are still taken).
 *   <li>413 — larger than the configured bound; 415 — Content-Type or Content-Encoding we do not
 *       speak. Both are dropped by the sender and logged, so the operator sees them.
 *   <li>500 — the sink could not take the data now; the sender retries.
 * </ul>
 * For 2.0 requests the {@code X-Prometheus-Remote-Write-*-Written} headers tell the sender what
 * was stored. Needs an {@link HttpObjectAggregator} in front of it, sized with
 * {@link RemoteWriteDecoder#maxCompressed()} (it answers 413 itself beyond that). The sink is
 * called on whatever executor this handler runs on: add it with an {@code EventExecutorGroup}
 * when the sink blocks (fsync). One instance per channel: the decoder reuses buffers.
 */
public final class RemoteWriteHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final System.Logger LOG = System.getLogger(RemoteWriteHandler.class.getName());
    private static final int MAX_REASONS = 10;

    private final String path;
    private final RemoteWriteSink sink;
    private final RemoteWriteDecoder decoder;

    /**
     * The decoder keeps a bounded cache of label strings for the connection ({@link LabelStringCache}), so
     * a head that keeps labels gets the same String for the same bytes across requests.
     */
    public RemoteWriteHandler(String path, RemoteWriteSink sink, int maxDecompressed) {
        this.path = path;
        this.sink = sink;
        this.decoder = new RemoteWriteDecoder(maxDecompressed);
    }

    /** A handler for {@code /api/v1/write} with the default 32 MiB bound. */
    public RemoteWriteHandler(RemoteWriteSink sink) {
        this("/api/v1/write", sink, RemoteWriteDecoder.DEFAULT_MAX_DECOMPRESSED);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!new QueryStringDecoder(req.uri()).path().equals(path)) {
            respond(ctx, req, HttpResponseStatus.NOT_FOUND, "no remote write endpoint at " + req.uri()
                    + "; remote write goes to " + path);
            return;
        }
        if (!req.method().equals(HttpMethod.POST)) {
            FullHttpResponse resp = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "remote write needs POST, got "
                    + req.method());
            resp.headers().set(HttpHeaderNames.ALLOW, "POST");
            send(ctx, req, resp);
            return;
        }
        if (!req.decoderResult().isSuccess()) {
            respond(ctx, req, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request: " + req.decoderResult().cause());
            return;
        }
        RemoteWriteVersion version;
        DecodedWrite write;
        try {
            version = RemoteWriteDecoder.negotiate(req.headers().get(HttpHeaderNames.CONTENT_TYPE),
                    req.headers().get(HttpHeaderNames.CONTENT_ENCODING));
            ByteBuf content = req.content();
            byte[] body;
            int off;
            if (content.hasArray()) {
                body = content.array();
                off = content.arrayOffset() + content.readerIndex();
            } else {
                body = ByteBufUtil.getBytes(content);
                off = 0;
            }
            write = decoder.decode(version, body, off, content.readableBytes());
        } catch (RemoteWriteException e) {
            LOG.log(System.Logger.Level.DEBUG, "refused remote write from {0}: {1}", ctx.channel().remoteAddress(),
                    e.getMessage());
            respond(ctx, req, HttpResponseStatus.valueOf(e.status()), e.getMessage());
            return;
        }
        String sinkError = null;
        HttpResponseStatus status = HttpResponseStatus.NO_CONTENT;
        long written = write.samples();
        try {
            sink.write(write.series(), req.headers()::get);
        } catch (WriteRejectedException e) {
            status = HttpResponseStatus.BAD_REQUEST;
            sinkError = e.getMessage();
            written = 0; // the sink does not say how much it took before refusing; claim nothing
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "remote write sink failed; the sender will retry", e);
            status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
            sinkError = "storing remote write samples failed: " + e;
            written = 0;
        }
        FullHttpResponse resp;
        if (sinkError != null) {
            resp = text(status, sinkError);
        } else if (!write.rejected().isEmpty()) {
            resp = text(HttpResponseStatus.BAD_REQUEST, reasons(write.rejected()));
        } else {
            resp = new DefaultFullHttpResponse(req.protocolVersion(), HttpResponseStatus.NO_CONTENT);
        }
        if (version == RemoteWriteVersion.V2) {
            resp.headers().set("X-Prometheus-Remote-Write-Samples-Written", written);
            resp.headers().set("X-Prometheus-Remote-Write-Histograms-Written", 0);
            resp.headers().set("X-Prometheus-Remote-Write-Exemplars-Written", 0);
        }
        send(ctx, req, resp);
    }

    private static String reasons(List<String> rejected) {
        StringBuilder sb = new StringBuilder();
        sb.append(rejected.size()).append(" series refused: ");
        for (int i = 0; i < rejected.size() && i < MAX_REASONS; i++) {
            if (i > 0) {
                sb.append("; ");
            }
            sb.append(rejected.get(i));
        }
        if (rejected.size() > MAX_REASONS) {
            sb.append("; and ").append(rejected.size() - MAX_REASONS).append(" more");
        }
        return sb.toString();
    }

    private static FullHttpResponse text(HttpResponseStatus status, String message) {
        ByteBuf body = Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8);
        FullHttpResponse resp = new DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                status, body);
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        resp.headers().set("X-Content-Type-Options", "nosniff");
        return resp;
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String msg) {
        send(ctx, req, text(status, msg));
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse resp) {
        HttpUtil.setContentLength(resp, resp.content().readableBytes());
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (keepAlive) {
            if (!req.protocolVersion().isKeepAliveDefault()) {
                resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            }
            ctx.writeAndFlush(resp);
        } else {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(System.Logger.Level.WARNING, "remote write connection from " + ctx.channel().remoteAddress()
                + " failed; closing it", cause);
        ctx.close();
    }
}
