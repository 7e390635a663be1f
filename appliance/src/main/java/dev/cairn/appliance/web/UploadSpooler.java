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
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Streams the bodies of {@link UploadRoute} requests to a file in the spool directory instead of
 * aggregating them in memory; every other request passes through untouched to the aggregator and the
 * {@link Router}.
 *
 * <p>Threads: this handler sits on the connection's event loop, so requests that are not uploads (remote
 * write: the hot path) cost one path check and nothing else. An upload's blocking work (opening the
 * file, writing each piece, handing the file to the route) runs as tasks on one worker executor, which
 * runs them in the order they were submitted; the event loop keeps only "is an upload in progress".
 * Bytes handed to the worker but not yet on disk are bounded: above {@value #PAUSE_BYTES} the connection
 * stops reading (auto-read off) until the worker is down to {@value #RESUME_BYTES}, so a fast client and
 * a slow disk cannot fill the heap. One instance per connection: HTTP/1.1 requests on a connection come
 * one after another.
 */
final class UploadSpooler extends ChannelInboundHandlerAdapter {
    private final Routes routes;
    private final TlsPort tls;
    private final Path spoolDir;
    static final long PAUSE_BYTES = 8L << 20;
    static final long RESUME_BYTES = 2L << 20;

    private final EventExecutor worker;
    private final AtomicLong pending = new AtomicLong();
    private Upload current; // event loop only

    /** One upload's state; touched only by tasks on {@link #worker}, in order. */
    private static final class Upload {
        final HttpRequest request;
        final UploadRoute route;
        final WebRequest head;
        WebResponse refusal;   // non-null: the body is discarded, then this is sent
        Path file;
        FileChannel out;

        Upload(HttpRequest request, UploadRoute route, WebRequest head, WebResponse refusal) {
            this.request = request;
            this.route = route;
            this.head = head;
            this.refusal = refusal;
        }
    }

    /** @param tls the port's TLS (its client-certificate checks apply to uploads too), null for plain HTTP */
    UploadSpooler(Routes routes, Path spoolDir, EventExecutor worker, TlsPort tls) {
        this.routes = routes;
        this.tls = tls;
        this.spoolDir = spoolDir;
        this.worker = worker;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (current == null) {
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
        if (!(msg instanceof HttpContent c)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        Upload u = current;
        if (msg instanceof LastHttpContent) {
            current = null;
        }
        int size = c.content().readableBytes();
        if (pending.addAndGet(size) > PAUSE_BYTES) {
            ctx.channel().config().setAutoRead(false);
        }
        worker.execute(() -> {
            try {
                if (u.refusal == null) {
                    write(u, c.content());
                }
            } finally {
                c.release();
                if (pending.addAndGet(-size) <= RESUME_BYTES && !ctx.channel().config().isAutoRead()) {
                    ctx.channel().config().setAutoRead(true);
                }
            }
            if (c instanceof LastHttpContent) {
                finish(ctx, u);
            }
        });
    }

    private void begin(ChannelHandlerContext ctx, HttpRequest req, UploadRoute r) {
        // the agents' port: the same per-request certificate check as the Router's, before any byte is spooled
        String clientId = null;
        java.security.cert.X509Certificate cert = null;
        WebResponse refused = null;
        if (tls != null) {
            java.security.cert.X509Certificate[] chain = Router.peerChain(ctx);
            ClientVerifier.Verdict v = tls.verifier().verify(chain);
            if (v.refusal() != null || v.disconnect()) {
                refused = WebResponse.error(403, "forbidden", v.refusal() != null ? v.refusal()
                        : "the client certificate is no longer valid; renew it");
            } else if (v.clientId() == null) {
                refused = WebResponse.error(401, "unauthorized", "uploads need a client certificate issued by this"
                        + " appliance's CA; enroll the agent first");
            } else {
                clientId = v.clientId();
                cert = chain[0];
            }
        }
        WebRequest head = Requests.of(ctx, req, new byte[0], clientId, cert);
        Upload u = new Upload(req, r, head, refused != null ? refused : r.check(head));
        current = u;
        if (HttpUtil.is100ContinueExpected(req)) {
            if (u.refusal == null) {
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
            } else {
                // the client waits for our word before sending the body: refuse now and end the connection
                FullHttpResponse resp = Requests.response(u.refusal);
                HttpUtil.setContentLength(resp, resp.content().readableBytes());
                resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
            }
        }
        if (u.refusal == null) {
            worker.execute(() -> {
                try {
                    Files.createDirectories(spoolDir);
                    u.file = Files.createTempFile(spoolDir, "upload-", ".part");
                    u.out = FileChannel.open(u.file, StandardOpenOption.WRITE);
                } catch (IOException e) {
                    u.refusal = Requests.failure("spool the upload to " + spoolDir + " (is the disk full?)", e);
                    closeFile(u);
                }
            });
        }
    }

    private static void write(Upload u, ByteBuf b) {
        try {
            while (b.isReadable()) {
                b.readBytes(u.out, b.readableBytes());
            }
        } catch (IOException e) {
            u.refusal = Requests.failure("spool the upload to " + u.file + " (is the disk full?)", e);
            closeFile(u);
        }
    }

    private static void finish(ChannelHandlerContext ctx, Upload u) {
        WebResponse answer = u.refusal;
        if (answer == null) {
            try {
                u.out.close();
                u.out = null;
                answer = u.route.complete(u.head, u.file);
            } catch (IOException | RuntimeException e) {
                answer = Requests.failure(u.head.method() + " " + u.head.path(), e);
            }
        }
        closeFile(u);
        FullHttpResponse resp = Requests.response(answer);
        HttpUtil.setContentLength(resp, resp.content().readableBytes());
        if (HttpUtil.isKeepAlive(u.request)) {
            ctx.writeAndFlush(resp);
        } else {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static void closeFile(Upload u) {
        try {
            if (u.out != null) {
                u.out.close();
            }
            if (u.file != null) {
                Files.deleteIfExists(u.file);
            }
        } catch (IOException e) {
            // a leftover spool file is removed at the next start
        } finally {
            u.out = null;
            u.file = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Upload u = current;
        current = null;
        if (u != null) {
            worker.execute(() -> closeFile(u)); // after the writes already queued
        }
        ctx.fireChannelInactive();
    }
}
