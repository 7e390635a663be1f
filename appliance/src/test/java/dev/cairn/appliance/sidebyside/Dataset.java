package dev.cairn.appliance.sidebyside;

import dev.cairn.storeapi.pb.prometheus.Label;
import dev.cairn.storeapi.pb.prometheus.Sample;
import dev.cairn.storeapi.pb.prometheus.TimeSeries;
import dev.cairn.storeapi.pb.prometheus.WriteRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * A synthetic scrape history, the same for both peers: per target (job × instance) counters with
 * resets, gauges and a classic histogram ({@code le} buckets, {@code _sum}, {@code _count}), sampled
 * every {@code intervalMs} with a little scrape jitter. Some targets go down for a while (a stale
 * marker, then a gap) and one series ends early with a stale marker, as Prometheus writes them.
 * Deterministic for a seed. Samples are handed out in time windows so that both receivers see
 * every series advance in time order, like a real remote-write queue.
 */
final class Dataset {
    /** Prometheus's stale marker: a NaN with this exact bit pattern. */
    static final double STALE = Double.longBitsToDouble(0x7ff0000000000002L);
    static final String[] LE = {"0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"};

    final long startMs;
    final long endMs;
    final long intervalMs;
    final List<SeriesData> series = new ArrayList<>();

    /** One series: sorted labels and its samples in time order. */
    record SeriesData(TreeMap<String, String> labels, long[] ts, double[] vs) {
    }

    private Dataset(long startMs, long endMs, long intervalMs) {
        this.startMs = startMs;
        this.endMs = endMs;
        this.intervalMs = intervalMs;
    }

    /**
     * {@code jobs × instances} targets, each with 4 counters, 2 gauges and a 7-bucket histogram
     * (13 series per target), from {@code startMs} for {@code durationMs}.
     */
    static Dataset generate(long seed, int jobs, int instances, long startMs, long durationMs, long intervalMs) {
        Dataset d = new Dataset(startMs, startMs + durationMs, intervalMs);
        Random rnd = new Random(seed);
        int steps = (int) (durationMs / intervalMs) + 1;
        for (int j = 0; j < jobs; j++) {
            for (int i = 0; i < instances; i++) {
                String job = "job" + j;
                String inst = "host" + i + ":9100";
                // targets with index 1 (mod 3) go down for 20 minutes in the middle
                int downFrom = (i % 3 == 1) ? steps / 2 : Integer.MAX_VALUE;
                int downTo = downFrom == Integer.MAX_VALUE ? downFrom : downFrom + (int) (1_200_000 / intervalMs);
                long[] ts = new long[steps];
                for (int s = 0; s < steps; s++) {
                    ts[s] = startMs + s * intervalMs + rnd.nextInt(400) - 200;
                }
                ts[0] = startMs;
                for (String method : new String[]{"GET", "POST"}) {
                    for (String code : new String[]{"200", "500"}) {
                        double[] v = new double[steps];
                        double c = rnd.nextInt(1000);
                        double rate = (code.equals("200") ? 5 : 0.3) * (1 + rnd.nextDouble());
                        for (int s = 0; s < steps; s++) {
                            if (rnd.nextInt(300) == 0) {
                                c = rnd.nextInt(3); // process restart
                            }
                            c += Math.floor(rate * intervalMs / 1000.0 * (0.5 + rnd.nextDouble()));
                            v[s] = c;
                        }
                        d.add(target("http_requests_total", job, inst, "method", method, "code", code), ts, v,
                                downFrom, downTo, steps);
                    }
                }
                double[] temp = new double[steps];
                double[] mem = new double[steps];
                double t = 40 + rnd.nextInt(20);
                double m = 1e9 * (1 + rnd.nextInt(4));
                for (int s = 0; s < steps; s++) {
                    t += rnd.nextGaussian() * 0.7;
                    m = Math.max(0, m + rnd.nextGaussian() * 1e7);
                    temp[s] = Math.round(t * 100) / 100.0;
                    mem[s] = Math.round(m);
                }
                d.add(target("node_temperature_celsius", job, inst), ts, temp, downFrom, downTo, steps);
                // one gauge series per job ends an hour early with a stale marker
                int memEnd = i == 0 ? steps - (int) (3_600_000 / intervalMs) : steps;
                d.add(target("process_resident_memory_bytes", job, inst), ts, mem, downFrom, downTo, memEnd);
                double[][] buckets = new double[LE.length][steps];
                double[] sum = new double[steps];
                double[] count = new double[steps];
                double[] acc = new double[LE.length];
                double accSum = 0;
                for (int s = 0; s < steps; s++) {
                    int n = 1 + rnd.nextInt(40);
                    for (int k = 0; k < n; k++) {
                        double lat = Math.exp(rnd.nextGaussian() - 1.5);
                        accSum += lat;
                        for (int b = 0; b < LE.length; b++) {
                            if (b == LE.length - 1 || lat <= Double.parseDouble(LE[b])) {
                                acc[b]++;
                            }
                        }
                    }
                    for (int b = 0; b < LE.length; b++) {
                        buckets[b][s] = acc[b];
                    }
                    sum[s] = accSum;
                    count[s] = acc[LE.length - 1];
                }
                for (int b = 0; b < LE.length; b++) {
                    d.add(target("http_request_duration_seconds_bucket", job, inst, "le", LE[b]), ts, buckets[b],
                            downFrom, downTo, steps);
                }
                d.add(target("http_request_duration_seconds_sum", job, inst), ts, sum, downFrom, downTo, steps);
                d.add(target("http_request_duration_seconds_count", job, inst), ts, count, downFrom, downTo, steps);
            }
        }
        return d;
    }

    private static TreeMap<String, String> target(String name, String job, String inst, String... more) {
        TreeMap<String, String> l = new TreeMap<>();
        l.put("__name__", name);
        l.put("job", job);
        l.put("instance", inst);
        for (int k = 0; k + 1 < more.length; k += 2) {
            l.put(more[k], more[k + 1]);
        }
        return l;
    }

    /** Keeps steps [0, end) outside [downFrom, downTo); a stale marker where the series stops. */
    private void add(TreeMap<String, String> labels, long[] ts, double[] vs, int downFrom, int downTo, int end) {
        long[] ots = new long[ts.length + 2];
        double[] ovs = new double[ts.length + 2];
        int n = 0;
        for (int s = 0; s < end; s++) {
            if (s == downFrom) {
                ots[n] = ts[s];
                ovs[n++] = STALE;
            }
            if (s >= downFrom && s < downTo) {
                continue;
            }
            ots[n] = ts[s];
            ovs[n++] = vs[s];
        }
        if (end < ts.length) {
            ots[n] = ts[end];
            ovs[n++] = STALE;
        }
        series.add(new SeriesData(labels, java.util.Arrays.copyOf(ots, n), java.util.Arrays.copyOf(ovs, n)));
    }

    long sampleCount() {
        long n = 0;
        for (SeriesData s : series) {
            n += s.ts.length;
        }
        return n;
    }

    /** Receives generated remote write requests, in order. */
    interface RequestSink {
        void accept(WriteRequest r) throws Exception;
    }

    /**
     * Remote write requests covering consecutive windows of {@code windowMs}, each holding every
     * series' samples of that window, at most about {@code maxSamples} samples a request; built one
     * at a time so that a large dataset never sits in memory as protobuf objects.
     */
    void requests(long windowMs, int maxSamples, RequestSink sink) throws Exception {
        int[] pos = new int[series.size()];
        for (long w = startMs; w <= endMs + intervalMs; w += windowMs) {
            long until = w + windowMs;
            WriteRequest.Builder req = WriteRequest.newBuilder();
            int inReq = 0;
            for (int k = 0; k < series.size(); k++) {
                SeriesData s = series.get(k);
                TimeSeries.Builder b = null;
                while (pos[k] < s.ts.length && s.ts[pos[k]] < until) {
                    if (b == null) {
                        b = TimeSeries.newBuilder();
                        for (var e : s.labels.entrySet()) {
                            b.addLabels(Label.newBuilder().setName(e.getKey()).setValue(e.getValue()));
                        }
                    }
                    b.addSamples(Sample.newBuilder().setTimestamp(s.ts[pos[k]]).setValue(s.vs[pos[k]]));
                    pos[k]++;
                    inReq++;
                }
                if (b != null) {
                    req.addTimeseries(b);
                }
                if (inReq >= maxSamples) {
                    sink.accept(req.build());
                    req = WriteRequest.newBuilder();
                    inReq = 0;
                }
            }
            if (req.getTimeseriesCount() > 0) {
                sink.accept(req.build());
            }
        }
    }
}
