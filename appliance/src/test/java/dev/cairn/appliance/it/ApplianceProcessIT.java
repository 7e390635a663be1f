package dev.cairn.appliance.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cairn.storeapi.pb.prometheus.Label;
import dev.cairn.storeapi.pb.prometheus.Sample;
import dev.cairn.storeapi.pb.prometheus.TimeSeries;
import dev.cairn.storeapi.pb.prometheus.WriteRequest;
import dev.cairn.storeapi.remotewrite.RemoteWriteSender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The appliance as its own process: killed, stopped, and refused a bad configuration. */
class ApplianceProcessIT {
    private static final int SENDERS = 3;
    private static final int SERIES_PER_SENDER = 20;
    private static final int STEPS_PER_REQUEST = 10;
    private static final long STEP_MS = 100;
    private static final int MAX_REQUESTS_PER_SENDER = 3000; // 300k ms of data: within one [1h] range
    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    /**
     * Three senders write 20 series each, 10 samples per series per request, as fast as the appliance
     * acknowledges; the appliance is SIGKILLed while they send. After a restart on the same data
     * directory every sample that was answered 204 must be there, with its value.
     */
    @Test
    void sigkillUnderRemoteWriteLoad_keepsEveryAcknowledgedSample() throws Exception {
        int port = Http.freePort();
        String[] args = {"--data-dir", tmp.resolve("data").toString(), "--http-address", "127.0.0.1:" + port,
            "--grpc-address", "127.0.0.1:0"};
        Map<Integer, Integer> ackedRequests = new ConcurrentHashMap<>(); // sender -> requests answered 204 (a prefix)
        List<String> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        try (ApplianceProcess app = new ApplianceProcess(tmp, "first", true, args)) {
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> senders = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                int sender = s;
                Thread t = new Thread(() -> send(sender, app.url(), stop, ackedRequests, unexpected), "sender-" + s);
                t.start();
                senders.add(t);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            // kill once some load went through, while the senders are still sending
            while (System.nanoTime() < deadline && total(ackedRequests) < 300) {
                Thread.sleep(20);
            }
            app.kill();
            stop.set(true);
            for (Thread t : senders) {
                t.join(30_000);
                assertTrue(!t.isAlive(), t.getName() + " did not stop");
            }
        }
        System.out.println("requests acknowledged before SIGKILL, by sender (" + SERIES_PER_SENDER * STEPS_PER_REQUEST
                + " samples each): " + ackedRequests);
        assertTrue(unexpected.isEmpty(), "answers other than 204: " + unexpected);
        assertTrue(total(ackedRequests) >= 300, "too little load before the kill: " + ackedRequests);

        try (ApplianceProcess app = new ApplianceProcess(tmp, "second", true, args)) {
            for (int s = 0; s < SENDERS; s++) {
                int acked = ackedRequests.getOrDefault(s, 0);
                if (acked == 0) {
                    continue;
                }
                long lastAckedT = T0 + ((long) acked * STEPS_PER_REQUEST - 1) * STEP_MS;
                String q = "load_test_value{sender=\"" + s + "\"}[1h]";
                JsonNode result = Http.get(app.url() + "/api/v1/query?query=" + Http.enc(q) + "&time="
                        + lastAckedT / 1000.0).json().get("data").get("result");
                assertEquals(SERIES_PER_SENDER, result.size(), "series of sender " + s + " after the restart");
                for (JsonNode series : result) {
                    Map<Long, String> got = new HashMap<>();
                    for (JsonNode p : series.get("values")) {
                        got.put(Math.round(p.get(0).asDouble() * 1000), p.get(1).asText());
                    }
                    for (long i = 0; i < (long) acked * STEPS_PER_REQUEST; i++) {
                        long t = T0 + i * STEP_MS;
                        String want = String.valueOf(i);
                        if (!want.equals(got.get(t))) {
                            throw new AssertionError("sample " + series.get("metric") + " at " + t + " was acknowledged ("
                                    + acked + " requests of sender " + s + ") but reads " + got.get(t) + " after SIGKILL");
                        }
                    }
                }
            }
            // and a clean stop: SIGTERM flushes and says so
            int code = app.stop();
            assertEquals(143, code, "exit code after SIGTERM");
            assertTrue(app.output().contains("cairn appliance stopped; head flushed"), app.output());
        }
    }

    private static int total(Map<Integer, Integer> acked) {
        return acked.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static void send(int sender, String url, AtomicBoolean stop, Map<Integer, Integer> acked, List<String> unexpected) {
        RemoteWriteSender rw = new RemoteWriteSender(URI.create(url + "/api/v1/receive"));
        for (int r = 0; r < MAX_REQUESTS_PER_SENDER && !stop.get(); r++) {
            WriteRequest.Builder req = WriteRequest.newBuilder();
            for (int k = 0; k < SERIES_PER_SENDER; k++) {
                TimeSeries.Builder ts = TimeSeries.newBuilder()
                        .addLabels(Label.newBuilder().setName("__name__").setValue("load_test_value"))
                        .addLabels(Label.newBuilder().setName("sender").setValue(Integer.toString(sender)))
                        .addLabels(Label.newBuilder().setName("series").setValue(Integer.toString(k)));
                for (int j = 0; j < STEPS_PER_REQUEST; j++) {
                    long i = (long) r * STEPS_PER_REQUEST + j;
                    ts.addSamples(Sample.newBuilder().setTimestamp(T0 + i * STEP_MS).setValue(i));
                }
                req.addTimeseries(ts);
            }
            try {
                RemoteWriteSender.Response resp = rw.send(req.build());
                if (resp.status() != 204) {
                    unexpected.add(resp.status() + " " + resp.body());
                    return;
                }
                acked.put(sender, r + 1);
            } catch (IOException e) {
                return; // the appliance is gone: this request was not acknowledged
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void badConfig_exitsNonZeroNamingEveryYamlPath() throws Exception {
        Path cfg = Files.writeString(tmp.resolve("appliance.yaml"), """
                data_dir: %s
                http: {listen: "127.0.0.1:%d"}
                receive: {wal_sync: often, block_duraton: 2h}
                """.formatted(tmp.resolve("d"), Http.freePort()));
        try (ApplianceProcess app = new ApplianceProcess(tmp, "bad", false, "--config", cfg.toString())) {
            assertTrue(app.process.waitFor(60, TimeUnit.SECONDS), "the appliance did not exit on a bad config");
            assertEquals(1, app.process.exitValue());
            String out = app.output();
            assertTrue(out.contains("receive.wal_sync: \"often\" is not one of"), out);
            assertTrue(out.contains("receive.block_duraton: unknown key"), out);
            assertTrue(!out.contains("listening"), "it started listening despite the errors: " + out);
        }
    }
}
