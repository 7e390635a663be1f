package dev.cairn.appliance.web;

import dev.cairn.appliance.api.ApiResponse;
import dev.cairn.appliance.api.PrometheusApi;
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
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Sends each request where its path says: remote write paths on to the {@code RemoteWriteHandler}
 * behind this handler (rewritten to the one path it serves), paths registered in {@link Routes} to
 * their route, {@code /api/v1/*} to the {@link PrometheusApi}, and answers {@code /metrics},
 * {@code /-/healthy}, {@code /-/ready} itself.
 *
 * <p>On a TLS port ({@link TlsPort}, the agents' port) the same type serves only remote write and the
 * registered routes, and checks the client certificate first: a path outside {@link TlsPort#openPaths()}
 * answers 401 without a certificate and 403 with a refused one (revoked), before anything is read or
 * written; routes see the accepted certificate's CN as {@link WebRequest#clientId()}.
 */
final class Router extends ChannelInboundHandlerAdapter {
    static final String WRITE_PATH = "/api/v1/write";
    static final String RECEIVE_PATH = "/api/v1/receive";
    private static final String FORM = "application/x-www-form-urlencoded";

    private final PrometheusApi api;
    private final List<MetricsSource> metrics;
    private final BooleanSupplier ready;
    private final Routes routes;
    private final TlsPort tls;

    Router(PrometheusApi api, List<MetricsSource> metrics, BooleanSupplier ready) {
        this(api, metrics, ready, new Routes(), null);
    }

    /**
     * @param api    null on the agents' port (no Prometheus API, /metrics or health there)
     * @param routes routes added by other parts of the appliance
     * @param tls    null for plain HTTP
     */
    Router(PrometheusApi api, List<MetricsSource> metrics, BooleanSupplier ready, Routes routes, TlsPort tls) {
        this.api = api;
        this.metrics = metrics;
        this.ready = ready;
        this.routes = routes;
        this.tls = tls;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.path();
        String clientId = null;
        java.security.cert.X509Certificate clientCert = null;
        if (tls != null) {
            java.security.cert.X509Certificate[] chain = peerChain(ctx);
            ClientVerifier.Verdict v = tls.verifier().verify(chain);
            if (v.disconnect()) {
                ReferenceCountUtil.release(req);
                ctx.close();
                return;
            }
            if (!tls.openPaths().contains(path) && (v.clientId() == null || v.refusal() != null)) {
                try {
                    WebResponse refused = v.refusal() != null
                            ? WebResponse.error(403, "forbidden", v.refusal())
                            : WebResponse.error(401, "unauthorized", path + " needs a client certificate issued by"
                                    + " this appliance's CA; enroll the agent first (POST /api/v1/agents/enroll"
                                    + " with a bootstrap token) or configure its tls.cert_file/key_file");
                    send(ctx, req, response(refused.status(), refused.contentType(), refused.body()));
                } finally {
                    ReferenceCountUtil.release(req);
                }
                return;
            }
            clientId = v.refusal() == null ? v.clientId() : null;
            clientCert = clientId != null ? chain[0] : null;
        }
        if (path.equals(WRITE_PATH) || path.equals(RECEIVE_PATH)) {
            req.setUri(WRITE_PATH);
            ctx.fireChannelRead(req); // the remote write handler releases it
            return;
        }
        try {
            FullHttpResponse resp;
            Routes.Match match = routes.find(req.method().name(), path);
            if (match instanceof Routes.Found f) {
                resp = route(f.route(), req, uri, path, ctx, clientId, clientCert);
            } else if (match instanceof Routes.WrongMethod w) {
                resp = text(405, req.method() + " is not allowed on " + path + "; use " + w.allow() + "\n");
                resp.headers().set(HttpHeaderNames.ALLOW, w.allow());
            } else if (api == null) {
                resp = text(404, "404 page not found\n");
            } else if (path.startsWith(PrometheusApi.PREFIX)) {
                ApiResponse r = api.handle(req.method().name(), path, params(req, uri));
                resp = response(r.status(), r.status() == 404 || r.status() == 405 ? "text/plain; charset=utf-8"
                        : ApiResponse.CONTENT_TYPE, r.body());
            } else if (path.equals("/metrics")) {
                MetricsText out = new MetricsText();
                for (MetricsSource s : metrics) {
                    s.writeMetrics(out);
                }
                resp = response(200, "text/plain; version=0.0.4; charset=utf-8",
                        out.toString().getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/-/healthy")) {
                resp = text(200, "Cairn appliance is Healthy.\n");
            } else if (path.equals("/-/ready")) {
                resp = ready.getAsBoolean() ? text(200, "Cairn appliance is Ready.\n")
                        : text(503, "Service Unavailable\n");
            } else {
                resp = text(404, "404 page not found\n");
            }
            send(ctx, req, resp);
        } finally {
            ReferenceCountUtil.release(req);
        }
    }

    private static FullHttpResponse route(Route route, FullHttpRequest req, QueryStringDecoder uri, String path,
                                          ChannelHandlerContext ctx, String clientId,
                                          java.security.cert.X509Certificate clientCert) {
        byte[] body = new byte[req.content().readableBytes()];
        req.content().getBytes(req.content().readerIndex(), body);
        WebRequest wr = new WebRequest(req.method().name(), path, uri.parameters(), req.headers(), body,
                ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress a ? a : null, clientId, clientCert);
        WebResponse r;
        try {
            r = route.handle(wr);
        } catch (java.io.IOException | RuntimeException e) {
            System.getLogger(Router.class.getName()).log(System.Logger.Level.WARNING,
                    req.method() + " " + path + " failed", e);
            r = WebResponse.error(500, "internal", req.method() + " " + path + " failed on the appliance: " + e
                    + "; see the appliance log");
        }
        FullHttpResponse resp = response(r.status(), r.contentType(), r.body());
        if (r.status() == 204) {
            resp.headers().remove(HttpHeaderNames.CONTENT_TYPE);
        }
        return resp;
    }

    /** The client's certificate chain on a TLS connection; empty when it presented none (or no TLS). */
    static java.security.cert.X509Certificate[] peerChain(ChannelHandlerContext ctx) {
        io.netty.handler.ssl.SslHandler ssl = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
        if (ssl == null) {
            return new java.security.cert.X509Certificate[0];
        }
        try {
            java.security.cert.Certificate[] certs = ssl.engine().getSession().getPeerCertificates();
            java.security.cert.X509Certificate[] out = new java.security.cert.X509Certificate[certs.length];
            for (int i = 0; i < certs.length; i++) {
                out[i] = (java.security.cert.X509Certificate) certs[i];
            }
            return out;
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            return new java.security.cert.X509Certificate[0];
        }
    }

    /** URL query and form body merged, body values first, as Go's ParseForm does. */
    private static Map<String, List<String>> params(FullHttpRequest req, QueryStringDecoder uri) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String ct = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (req.method().equals(HttpMethod.POST) && ct != null && ct.toLowerCase(java.util.Locale.ROOT).startsWith(FORM)) {
            String body = req.content().toString(StandardCharsets.UTF_8);
            new QueryStringDecoder(body, StandardCharsets.UTF_8, false, 10_000).parameters()
                    .forEach((k, v) -> out.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        }
        uri.parameters().forEach((k, v) -> out.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        return out;
    }

    private static FullHttpResponse text(int status, String body) {
        return response(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static FullHttpResponse response(int status, String contentType, byte[] body) {
        FullHttpResponse resp = new DefaultFullHttpResponse(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        return resp;
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse resp) {
        HttpUtil.setContentLength(resp, resp.content().readableBytes());
        if (HttpUtil.isKeepAlive(req)) {
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
        System.getLogger(Router.class.getName()).log(System.Logger.Level.WARNING,
                "HTTP connection from " + ctx.channel().remoteAddress() + " failed; closing it", cause);
        ctx.close();
    }
}
