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
 * behind this handler (rewritten to the one path it serves), {@code /api/v1/*} to the
 * {@link PrometheusApi} (after the registered {@link Routes}, which come first), and answers {@code /metrics}, {@code /-/healthy}, {@code /-/ready} itself.
 */
final class Router extends ChannelInboundHandlerAdapter {
    static final String WRITE_PATH = "/api/v1/write";
    static final String RECEIVE_PATH = "/api/v1/receive";
    private static final String FORM = "application/x-www-form-urlencoded";

    private final PrometheusApi api;
    private final List<MetricsSource> metrics;
    private final BooleanSupplier ready;
    private final List<Routes> routes;

    Router(PrometheusApi api, List<MetricsSource> metrics, BooleanSupplier ready, List<Routes> routes) {
        this.api = api;
        this.metrics = metrics;
        this.ready = ready;
        this.routes = routes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.path();
        if (path.equals(WRITE_PATH) || path.equals(RECEIVE_PATH)) {
            req.setUri(WRITE_PATH);
            ctx.fireChannelRead(req); // the remote write handler releases it
            return;
        }
        try {
            FullHttpResponse resp;
            Routes.Response extra = routes.isEmpty() ? null : extraRoute(req, uri, path);
            if (extra != null) {
                resp = response(extra.status(), extra.contentType(), extra.body());
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

    private Routes.Response extraRoute(FullHttpRequest req, QueryStringDecoder uri, String path) {
        Map<String, List<String>> params = params(req, uri);
        for (Routes r : routes) {
            Routes.Response resp = r.handle(req.method().name(), path, params);
            if (resp != null) {
                return resp;
            }
        }
        return null;
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
