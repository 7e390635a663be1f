package dev.cairn.appliance.web;

import dev.cairn.storeapi.pb.prometheus.Label;
import dev.cairn.storeapi.pb.prometheus.Sample;
import dev.cairn.storeapi.pb.prometheus.TimeSeries;
import dev.cairn.storeapi.pb.prometheus.WriteRequest;
import dev.cairn.storeapi.remotewrite.RemoteWriteSender;
import dev.cairn.storeapi.remotewrite.RemoteWriteSink;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stopping the HTTP port lets a remote write that is being stored finish and get its answer: a
 * sender must not see a stored batch fail (it would resend it and the head would refuse the resend
 * as out of order, which the agent's relay counts as dropped data).
 */
class HttpServerShutdownTest {

    private static WriteRequest one(long t) {
        return WriteRequest.newBuilder().addTimeseries(TimeSeries.newBuilder()
                .addLabels(Label.newBuilder().setName("__name__").setValue("up"))
                .addSamples(Sample.newBuilder().setTimestamp(t).setValue(1))).build();
    }

    @Test
    void close_whileAWriteIsBeingStored_answersItBeforeClosingTheConnection() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        AtomicInteger stored = new AtomicInteger();
        RemoteWriteSink slow = series -> {
            entered.countDown();
            try {
                Thread.sleep(1500); // a WAL fsync on a slow disk
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.IOException("interrupted");
            }
            stored.addAndGet(series.size());
        };
        HttpServer server = new HttpServer("127.0.0.1", 0, slow, null, List.of(), () -> true, 1 << 20, 2);
        URI url = URI.create("http://127.0.0.1:" + server.port() + "/api/v1/write");
        CompletableFuture<RemoteWriteSender.Response> answer = CompletableFuture.supplyAsync(() -> {
            try {
                return new RemoteWriteSender(url).send(one(1000));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertTrue(entered.await(10, TimeUnit.SECONDS), "the write never reached the sink");
        long t0 = System.nanoTime();
        server.close();
        long closeMillis = (System.nanoTime() - t0) / 1_000_000;

        RemoteWriteSender.Response r = answer.get(10, TimeUnit.SECONDS);
        assertEquals(204, r.status(), r.body());
        assertEquals(1, stored.get());
        assertTrue(closeMillis >= 1000, "close returned after " + closeMillis + " ms, before the write was answered");
        assertTrue(closeMillis < 10_000, "close waited " + closeMillis + " ms");
    }

    @Test
    void close_withIdleKeepAliveConnections_doesNotWait() throws Exception {
        AtomicInteger stored = new AtomicInteger();
        RemoteWriteSink fast = series -> stored.addAndGet(series.size());
        HttpServer server = new HttpServer("127.0.0.1", 0, fast, null, List.of(), () -> true, 1 << 20, 2);
        RemoteWriteSender sender = new RemoteWriteSender(
                URI.create("http://127.0.0.1:" + server.port() + "/api/v1/write"));
        for (int i = 0; i < 3; i++) {
            assertEquals(204, sender.send(one(1000 + i)).status());
        }
        long t0 = System.nanoTime();
        server.close();
        long closeMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(3, stored.get());
        assertTrue(closeMillis < 5_000, "close of an idle server took " + closeMillis + " ms");
        assertFalse(sendSucceeds(sender), "the port still answers after close");
    }

    private static boolean sendSucceeds(RemoteWriteSender sender) {
        try {
            return sender.send(one(5000)).status() == 204;
        } catch (Exception e) {
            return false;
        }
    }
}
