package dev.cairn.appliance.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;

/** Netty requests to {@link WebRequest}s and {@link WebResponse}s back, for {@link UploadSpooler}. */
final class Requests {
    private Requests() {
    }

    /**
     * The request as a route sees it; {@code clientId}/{@code clientCert} are what the port's
     * {@link ClientVerifier} accepted (null on a plain port or without an accepted certificate).
     */
    static WebRequest of(ChannelHandlerContext ctx, HttpRequest req, byte[] body, String clientId,
                         X509Certificate clientCert) {
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        InetSocketAddress remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
        return new WebRequest(req.method().name(), uri.path(), uri.parameters(), req.headers(), body, remote,
                clientId, clientCert);
    }

    static FullHttpResponse response(WebResponse r) {
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                Unpooled.wrappedBuffer(r.body()));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        return resp;
    }

    static WebResponse failure(String what, Exception e) {
        return WebResponse.error(500, "internal", what + ": " + e.getMessage());
    }
}
