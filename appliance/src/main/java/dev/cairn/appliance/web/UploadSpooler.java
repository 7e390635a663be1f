package dev.cairn.appliance.web;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Streams the bodies of {@link UploadRoute} requests to a file in the spool directory instead of
 * aggregating them in memory; every other request passes through untouched to the aggregator and the
 * {@link Router}. Sits before the aggregator on an HTTP worker thread (file writes block). One
 * instance per connection: HTTP/1.1 requests on a connection come one after another.
 */
final class UploadSpooler extends ChannelInboundHandlerAdapter {
    private final Routes routes;
    private final Path spoolDir;
    private HttpRequest request;   // non-null while an upload's body is arriving
    private UploadRoute route;
    private WebRequest head;
    private WebResponse refusal;   // non-null: the body is discarded, then this is sent
    private Path file;
    private FileChannel out;

    UploadSpooler(Routes routes, Path spoolDir) {
        this.routes = routes;
        this.spoolDir = spoolDir;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (request == null) {
            if (msg instanceof HttpRequest req && !(msg instanceof HttpContent)) {
                UploadRoute r = routes.upload(req.method().name(), new QueryStringDecoder(req.uri()).path());
                if (r != null) {
                    begin(ctx, req, r);
                    return;
                }
            }
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (msg instanceof HttpContent c) {
                if (refusal == null) {
                    write(c.content());
                }
                if (msg instanceof LastHttpContent) {
                    finish(ctx);
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void begin(ChannelHandlerContext ctx, HttpRequest req, UploadRoute r) {
        request = req;
        route = r;
        head = Requests.of(ctx, req, new byte[0]);
        refusal = r.check(head);
        if (refusal == null) {
            try {
                Files.createDirectories(spoolDir);
                file = Files.createTempFile(spoolDir, "upload-", ".part");
                out = FileChannel.open(file, StandardOpenOption.WRITE);
            } catch (IOException e) {
                refusal = Requests.failure("spool the upload to " + spoolDir + " (is the disk full?)", e);
                closeFile();
            }
        }
        if (HttpUtil.is100ContinueExpected(req)) {
            if (refusal == null) {
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
            } else {
                // the client waits for our word before sending the body: refuse now and end the connection
                FullHttpResponse resp = Requests.response(refusal);
                HttpUtil.setContentLength(resp, resp.content().readableBytes());
                resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    private void write(ByteBuf b) {
        try {
            while (b.isReadable()) {
                b.readBytes(out, b.readableBytes());
            }
        } catch (IOException e) {
            refusal = Requests.failure("spool the upload to " + file + " (is the disk full?)", e);
            closeFile();
        }
    }

    private void finish(ChannelHandlerContext ctx) {
        WebResponse answer = refusal;
        if (answer == null) {
            try {
                out.close();
                out = null;
                answer = route.complete(head, file);
            } catch (IOException | RuntimeException e) {
                answer = Requests.failure(head.method() + " " + head.path(), e);
            }
        }
        closeFile();
        send(ctx, request, Requests.response(answer));
        request = null;
        route = null;
        head = null;
        refusal = null;
    }

    private void closeFile() {
        try {
            if (out != null) {
                out.close();
            }
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // a leftover spool file is removed at the next start
        } finally {
            out = null;
            file = null;
        }
    }

    private static void send(ChannelHandlerContext ctx, HttpRequest req, FullHttpResponse resp) {
        HttpUtil.setContentLength(resp, resp.content().readableBytes());
        if (HttpUtil.isKeepAlive(req)) {
            ctx.writeAndFlush(resp);
        } else {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeFile();
        ctx.fireChannelInactive();
    }
}
