package dev.cairn.appliance.web;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts a port's requests between their first byte and their answer's last, so that a stopping
 * server can let them finish before it closes connections. Without that, a remote write the
 * receiver already stored loses its 204 at shutdown; the sender resends it after the restart, the
 * head refuses the resend as out of order, and the sender counts acknowledged-looking data as
 * dropped (a false alarm, seen by ApplianceOutageIT).
 */
final class InFlightRequests {
    private final AtomicInteger inFlight = new AtomicInteger();

    /** A handler for one connection; put it right after the HTTP codec. */
    ChannelDuplexHandler handler() {
        return new ChannelDuplexHandler() {
            private int open; // this connection's requests not yet answered; touched on its event loop only

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                if (msg instanceof HttpRequest) {
                    open++;
                    inFlight.incrementAndGet();
                }
                super.channelRead(ctx, msg);
            }

            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
                // 1xx (100 Continue) is not the answer; the answer ends with its last content
                boolean interim = msg instanceof HttpResponse r && r.status().codeClass()
                        == HttpStatusClass.INFORMATIONAL;
                if (!interim && msg instanceof LastHttpContent && open > 0) {
                    open--;
                    promise = promise.unvoid();
                    promise.addListener(f -> inFlight.decrementAndGet());
                }
                super.write(ctx, msg, promise);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                // the client left before its answers: nobody waits for them
                inFlight.addAndGet(-open);
                open = 0;
                super.channelInactive(ctx);
            }
        };
    }

    /** Waits until no request is in flight, at most {@code timeout}; false when some still are. */
    boolean awaitIdle(long timeout, TimeUnit unit) {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (inFlight.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    int count() {
        return inFlight.get();
    }
}
