package dev.cairn.benchmarks.storeapi;

import dev.cairn.storeapi.pb.thanos.StoreType;
import dev.cairn.storeapi.store.StoreApiClient;
import dev.cairn.storeapi.store.StoreApiServer;
import dev.cairn.storeapi.store.StoreApiService;
import dev.cairn.storeapi.store.TimeRange;
import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.block.BlockWriter;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SeriesSet;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * StoreAPI Series end to end in one process: a block written by BlockWriter (2,000 node-exporter-like
 * series × 240 samples, 1 h at 15 s) served by StoreApiService, read by StoreApiClient as a Querier,
 * every sample iterated. One operation = one Series call over all series; secondary results
 * {@code series} and {@code samples} are per second. Server and client share the machine's cores
 * (the server encodes XOR chunks while the client decodes them).
 *
 * <p>{@code transport}: {@code inprocess} (grpc's in-process channel, no HTTP/2 framing) or
 * {@code netty} (HTTP/2 over a 127.0.0.1 socket, plaintext).
 *
 * <pre>
 * mvn -B -q -Pbench -DskipTests package -pl benchmarks -am
 * java -jar benchmarks/target/benchmarks.jar StoreApiSeriesBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class StoreApiSeriesBenchmark {
    static final int SERIES = 2000;
    static final int SAMPLES = 240;

    @Param({"inprocess", "netty"})
    public String transport;

    private Path dir;
    private Block block;
    private Server inProcess;
    private StoreApiServer netty;
    private StoreApiClient client;
    private final List<Matcher> matchers = List.of(Matcher.equal("job", "node"));

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long series;
        public long samples;

        @Setup(Level.Iteration)
        public void reset() {
            series = 0;
            samples = 0;
        }
    }

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("cairn-storeapi-bench");
        SplittableRandom r = new SplittableRandom(3);
        BlockWriter w = BlockWriter.create(dir, BlockWriter.Options.defaults());
        List<Labels> sets = RemoteWriteDecodeBenchmark.labelSets(SERIES).stream()
                .map(m -> Labels.of(new TreeMap<>(m))).sorted().toList();
        long[] ts = new long[SAMPLES];
        double[] vs = new double[SAMPLES];
        for (Labels l : sets) {
            double v = r.nextInt(1, 1_000_000);
            for (int i = 0; i < SAMPLES; i++) {
                ts[i] = 1_732_000_000_000L + i * 15_000L + r.nextInt(0, 3);
                v += r.nextInt(0, 500) / 100.0;
                vs[i] = v;
            }
            w.addSeries(l, samples(ts, vs));
        }
        w.commit();
        block = Block.open(w.dir());
        StoreApiService service = new StoreApiService(block::querier, Labels.of("replica", "a"),
                () -> new TimeRange(block.meta().minTime(), block.meta().maxTime() - 1), StoreType.STORE);
        Duration timeout = Duration.ofMinutes(5);
        if (transport.equals("inprocess")) {
            String name = InProcessServerBuilder.generateName();
            inProcess = InProcessServerBuilder.forName(name).addService(service).build().start();
            client = new StoreApiClient(name, InProcessChannelBuilder.forName(name).build(), timeout);
        } else {
            netty = StoreApiServer.start(new InetSocketAddress("127.0.0.1", 0), null, service);
            client = StoreApiClient.connect("127.0.0.1", netty.port(), (io.netty.handler.ssl.SslContext) null, timeout);
        }
        Counters check = new Counters();
        series(check);
        if (check.series != SERIES || check.samples != (long) SERIES * SAMPLES) {
            throw new IllegalStateException("read " + check.series + " series, " + check.samples + " samples");
        }
    }

    private static ChunkIterator samples(long[] ts, double[] vs) {
        return new ChunkIterator() {
            int i = -1;

            @Override
            public boolean next() {
                return ++i < ts.length;
            }

            @Override
            public boolean seek(long t) {
                while (i < 0 || (i < ts.length && ts[i] < t)) {
                    i++;
                }
                return i < ts.length;
            }

            @Override
            public long atT() {
                return ts[i];
            }

            @Override
            public double atV() {
                return vs[i];
            }
        };
    }

    @TearDown
    public void tearDown() throws IOException {
        client.close();
        if (inProcess != null) {
            inProcess.shutdownNow();
        }
        if (netty != null) {
            netty.close();
        }
        block.close();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Benchmark
    public double series(Counters c) {
        double sum = 0;
        try (Querier q = client.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            SeriesSet set = q.select(matchers);
            ChunkIterator reuse = null;
            while (set.next()) {
                ChunkIterator it = set.at().iterator(reuse);
                reuse = it;
                while (it.next()) {
                    sum += it.atV();
                    c.samples++;
                }
                c.series++;
            }
        }
        return sum;
    }
}
