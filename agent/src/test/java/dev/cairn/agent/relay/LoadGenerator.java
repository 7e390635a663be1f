package dev.cairn.agent.relay;

import dev.cairn.storeapi.pb.prometheus.Label;
import dev.cairn.storeapi.pb.prometheus.Sample;
import dev.cairn.storeapi.pb.prometheus.TimeSeries;
import dev.cairn.storeapi.pb.prometheus.WriteRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.xerial.snappy.Snappy;

/**
 * A bounded remote-write 1.0 load generator: {@code series} series named {@code load_test}, one
 * sample per series per request, timestamps {@code t0 + i}, value a function of (series, i) so a
 * receiver can check it. Remembers every request answered 2xx and, unless told not to (long runs:
 * millions of samples), every sample of it.
 */
public final class LoadGenerator {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final int series;
    private final long t0;
    private final String run;
    private final boolean keepSamples;
    /** key (as TestReceiver builds it) → value bits, for every acknowledged sample (empty unless keepSamples). */
    public final Map<String, Long> acked = new ConcurrentHashMap<>();
    /** {@code i} of every request answered 2xx: its samples are series 0..series-1 at {@code t0 + i}. */
    public final Set<Long> ackedRequests = ConcurrentHashMap.newKeySet();
    public final AtomicLong ackedSamples = new AtomicLong();
    public final AtomicLong failedRequests = new AtomicLong();

    public LoadGenerator(int series, long t0, String run) {
        this(series, t0, run, true);
    }

    public LoadGenerator(int series, long t0, String run, boolean keepSamples) {
        this.series = series;
        this.t0 = t0;
        this.run = run;
        this.keepSamples = keepSamples;
    }

    public int series() {
        return series;
    }

    public String run() {
        return run;
    }

    /** The timestamp (ms) of every sample of request {@code i}. */
    public long timestamp(long i) {
        return t0 + i;
    }

    public static double value(int s, long i) {
        return s * 1000.0 + i + 0.25;
    }

    public WriteRequest request(long i) {
        WriteRequest.Builder b = WriteRequest.newBuilder();
        for (int s = 0; s < series; s++) {
            b.addTimeseries(TimeSeries.newBuilder()
                    .addLabels(Label.newBuilder().setName("__name__").setValue("load_test"))
                    .addLabels(Label.newBuilder().setName("run").setValue(run))
                    .addLabels(Label.newBuilder().setName("series").setValue(Integer.toString(s)))
                    .addSamples(Sample.newBuilder().setTimestamp(t0 + i).setValue(value(s, i))));
        }
        return b.build();
    }

    /** Sends request {@code i}; true when answered 2xx (then its samples are remembered as acknowledged). */
    public boolean send(URI url, long i) throws InterruptedException {
        WriteRequest req = request(i);
        try {
            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                    .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(req.toByteArray()))).build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() / 100 != 2) {
                failedRequests.incrementAndGet();
                return false;
            }
        } catch (IOException e) {
            failedRequests.incrementAndGet();
            return false;
        }
        ackedRequests.add(i);
        if (!keepSamples) {
            ackedSamples.addAndGet(series);
            return true;
        }
        for (TimeSeries ts : req.getTimeseriesList()) {
            String k = TestReceiver.key(ts.getLabelsList());
            for (Sample sm : ts.getSamplesList()) {
                acked.put(k + "@" + sm.getTimestamp(), Double.doubleToRawLongBits(sm.getValue()));
                ackedSamples.incrementAndGet();
            }
        }
        return true;
    }
}
