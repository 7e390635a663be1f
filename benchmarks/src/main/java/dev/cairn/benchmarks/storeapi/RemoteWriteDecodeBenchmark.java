package dev.cairn.benchmarks.storeapi;

import dev.cairn.storeapi.pb.prometheus.Label;
import dev.cairn.storeapi.pb.prometheus.Sample;
import dev.cairn.storeapi.pb.prometheus.TimeSeries;
import dev.cairn.storeapi.pb.prometheus.WriteRequest;
import dev.cairn.storeapi.remotewrite.DecodedWrite;
import dev.cairn.storeapi.remotewrite.RemoteWriteDecoder;
import dev.cairn.storeapi.remotewrite.RemoteWriteException;
import dev.cairn.storeapi.remotewrite.RemoteWriteVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.xerial.snappy.Snappy;

/**
 * Remote write 1.0 decoding on one thread, as the receiver does it per request: snappy block
 * decompression, protobuf decoding straight from the wire bytes, label validation, and the decoded
 * arrays. The secondary result {@code samples} is samples decoded per second (per core: one thread).
 *
 * <p>Requests look like what Prometheus sends for a node exporter: {@code series} series of
 * node_cpu_seconds_total / node_filesystem_* / node_network_* with instance, job, cpu, mode,
 * device, fstype, mountpoint labels, {@code samplesPerSeries} samples each 15 s apart, counters and
 * gauges with realistic values, labels sorted. {@code protobufJava} parses the same bytes with
 * protobuf-java's generated parser, for comparison.
 *
 * <pre>
 * mvn -B -q -Pbench -DskipTests package -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar RemoteWriteDecodeBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RemoteWriteDecodeBenchmark {
    @Param({"500"})
    public int series;

    @Param({"1", "5", "10"})
    public int samplesPerSeries;

    private byte[] body;
    private int samplesPerRequest;
    private final RemoteWriteDecoder decoder = new RemoteWriteDecoder();

    /** Samples decoded, reported per second by JMH next to the requests per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long samples;

        @Setup(Level.Iteration)
        public void reset() {
            samples = 0;
        }
    }

    @Setup
    public void setUp() throws IOException, RemoteWriteException {
        SplittableRandom r = new SplittableRandom(7);
        WriteRequest.Builder req = WriteRequest.newBuilder();
        long t0 = 1_732_000_000_000L;
        List<TreeMap<String, String>> sets = labelSets(series);
        for (TreeMap<String, String> set : sets) {
            TimeSeries.Builder ts = TimeSeries.newBuilder();
            set.forEach((n, v) -> ts.addLabels(Label.newBuilder().setName(n).setValue(v)));
            boolean counter = set.get("__name__").endsWith("_total");
            double v = counter ? r.nextInt(1, 10_000_000) / 100.0 : r.nextDouble() * 1e11;
            for (int i = 0; i < samplesPerSeries; i++) {
                v = counter ? v + r.nextInt(0, 1500) / 100.0 : Math.floor(v + r.nextDouble(-1e6, 1e6));
                ts.addSamples(Sample.newBuilder().setTimestamp(t0 + i * 15_000L + r.nextInt(0, 3)).setValue(v));
            }
            req.addTimeseries(ts);
        }
        body = Snappy.compress(req.build().toByteArray());
        samplesPerRequest = series * samplesPerSeries;
        DecodedWrite check = decodeSnappyProtobuf(new Counters());
        if (check.samples() != samplesPerRequest || !check.rejected().isEmpty()) {
            throw new IllegalStateException("benchmark request decodes to " + check.samples() + " samples, rejected "
                    + check.rejected());
        }
    }

    /** Node-exporter-like label sets, sorted by name within each set. */
    static List<TreeMap<String, String>> labelSets(int n) {
        String[] modes = {"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"};
        String[] devices = {"sda1", "sdb1", "nvme0n1p2", "dm-0"};
        String[] fsMetrics = {"node_filesystem_avail_bytes", "node_filesystem_free_bytes", "node_filesystem_size_bytes"};
        String[] netMetrics = {"node_network_receive_bytes_total", "node_network_transmit_bytes_total",
                "node_network_receive_packets_total", "node_network_transmit_packets_total"};
        String[] ifaces = {"eth0", "eth1", "lo", "docker0"};
        List<TreeMap<String, String>> out = new ArrayList<>(n);
        for (int host = 0; out.size() < n; host++) {
            String instance = "db-" + String.format("%03d", host) + ".dc1.example.com:9100";
            for (int cpu = 0; cpu < 8 && out.size() < n; cpu++) {
                for (String mode : modes) {
                    out.add(set("node_cpu_seconds_total", instance, "cpu", String.valueOf(cpu), "mode", mode));
                }
            }
            for (String m : fsMetrics) {
                for (String d : devices) {
                    out.add(set(m, instance, "device", "/dev/" + d, "fstype", "ext4", "mountpoint", "/srv/" + d));
                }
            }
            for (String m : netMetrics) {
                for (String i : ifaces) {
                    out.add(set(m, instance, "device", i));
                }
            }
        }
        return out.subList(0, n);
    }

    private static TreeMap<String, String> set(String name, String instance, String... extra) {
        TreeMap<String, String> m = new TreeMap<>();
        m.put("__name__", name);
        m.put("instance", instance);
        m.put("job", "node");
        for (int i = 0; i < extra.length; i += 2) {
            m.put(extra[i], extra[i + 1]);
        }
        return m;
    }

    @Benchmark
    public DecodedWrite decodeSnappyProtobuf(Counters c) throws RemoteWriteException {
        DecodedWrite w = decoder.decode(RemoteWriteVersion.V1, body, 0, body.length);
        c.samples += w.samples();
        return w;
    }

    @Benchmark
    public WriteRequest protobufJava(Counters c) throws IOException {
        byte[] raw = Snappy.uncompress(body);
        WriteRequest w = WriteRequest.parseFrom(raw);
        c.samples += samplesPerRequest;
        return w;
    }
}
