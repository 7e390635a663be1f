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
import dev.cairn.storeapi.tls.PeerIdentity;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLPeerUnverifiedException;

/** Netty requests to {@link WebRequest}s and {@link WebResponse}s back, for {@link Router} and {@link UploadSpooler}. */
final class Requests {
    private Requests() {
    }

    static WebRequest of(ChannelHandlerContext ctx, HttpRequest req, byte[] body) {
        Map<String, String> headers = new HashMap<>();
        req.headers().forEach(e -> headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        InetSocketAddress remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
        return new WebRequest(req.method().name(), new QueryStringDecoder(req.uri()).path(), headers, body, remote,
                clientId(ctx));
    }

    /**
     * The CN of the peer certificate when the channel is TLS and the client presented a certificate the
     * trust manager accepted (an untrusted one fails the handshake before any request); else null.
     */
    static String clientId(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return null;
        }
        try {
            return PeerIdentity.commonName(ssl.engine().getSession());
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
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
