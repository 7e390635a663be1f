package dev.cairn.benchmarks.index;

import dev.cairn.tsdb.index.IntersectPostings;
import dev.cairn.tsdb.index.ListPostings;
import dev.cairn.tsdb.index.MergedPostings;
import dev.cairn.tsdb.index.Postings;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Intersecting and merging two postings lists of 1M refs each (every 2nd and every 3rd ref: a
 * third of a million in common), and a 1M list with a 1k list, where seek must gallop.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PostingsIntersectBenchmark {
    private long[] evens;
    private long[] thirds;
    private long[] sparse;

    @Setup
    public void setup() {
        evens = new long[1_000_000];
        thirds = new long[1_000_000];
        for (int i = 0; i < 1_000_000; i++) {
            evens[i] = 2L * i;
            thirds[i] = 3L * i;
        }
        sparse = new long[1000];
        for (int i = 0; i < sparse.length; i++) {
            sparse[i] = 1999L * i;
        }
    }

    private static long drain(Postings p) {
        long n = 0;
        while (p.next()) {
            n += p.at();
        }
        return n;
    }

    @Benchmark
    public long intersect1Mx1M() {
        return drain(IntersectPostings.of(new ListPostings(evens), new ListPostings(thirds)));
    }

    @Benchmark
    public long intersect1Mx1k() {
        return drain(IntersectPostings.of(new ListPostings(evens), new ListPostings(sparse)));
    }

    @Benchmark
    public long merge1Mx1M() {
        return drain(MergedPostings.of(new ListPostings(evens), new ListPostings(thirds)));
    }
}
