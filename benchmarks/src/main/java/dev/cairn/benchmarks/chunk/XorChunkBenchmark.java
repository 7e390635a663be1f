package dev.cairn.benchmarks.chunk;

import dev.cairn.tsdb.chunk.XorAppender;
import dev.cairn.tsdb.chunk.XorChunk;
import dev.cairn.tsdb.chunk.XorIterator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * XOR chunk throughput on one thread, in samples per second (one operation = one sample): appending
 * a full 120-sample chunk as the head does, and iterating one as a query does.
 *
 * <p>Shapes: {@code counter} (integer increments), {@code gauge} (a random walk with two decimals,
 * the costly case: wide XOR windows), {@code constant}; all at a 15 s scrape interval with a few
 * milliseconds of jitter on one sample in four, as real scrapes have.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class XorChunkBenchmark {
    static final int SAMPLES = 120;

    @Param({"counter", "gauge", "constant"})
    public String shape;

    private long[] t;
    private double[] v;
    private XorChunk chunk;
    private XorIterator reuse;

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(42);
        t = new long[SAMPLES];
        v = new double[SAMPLES];
        long ts = 1_700_000_000_000L;
        double x = 1000;
        for (int i = 0; i < SAMPLES; i++) {
            t[i] = ts + (r.nextInt(4) == 0 ? r.nextInt(-5, 6) : 0);
            ts += 15_000;
            v[i] = switch (shape) {
                case "counter" -> x += r.nextInt(50);
                case "gauge" -> x = Math.round((x + r.nextDouble(-5, 5)) * 100) / 100.0;
                case "constant" -> 1;
                default -> throw new IllegalArgumentException("unknown shape " + shape);
            };
        }
        chunk = append();
        reuse = new XorIterator();
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public XorChunk append() {
        XorChunk c = new XorChunk();
        XorAppender app = c.appender();
        for (int i = 0; i < SAMPLES; i++) {
            app.append(t[i], v[i]);
        }
        return c;
    }

    @Benchmark
    @OperationsPerInvocation(SAMPLES)
    public void iterate(Blackhole bh) {
        XorIterator it = chunk.iterator(reuse);
        long ts = 0;
        double sum = 0;
        while (it.next()) {
            ts += it.atT();
            sum += it.atV();
        }
        bh.consume(ts);
        bh.consume(sum);
    }

    /** The iterate loop with a checksum result, for {@link XorChunkCpuTime}. */
    long sumTimestamps() {
        XorIterator it = chunk.iterator(reuse);
        long sum = 0;
        while (it.next()) {
            sum += it.atT() ^ it.atVBits();
        }
        return sum;
    }
}
