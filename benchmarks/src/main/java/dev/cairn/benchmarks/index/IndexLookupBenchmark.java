package dev.cairn.benchmarks.index;

import dev.cairn.tsdb.chunk.ChunkMeta;
import dev.cairn.tsdb.index.IndexReader;
import dev.cairn.tsdb.index.IndexWriter;
import dev.cairn.tsdb.index.IntersectPostings;
import dev.cairn.tsdb.index.Postings;
import dev.cairn.tsdb.index.SeriesBuilder;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An index file of 1M series ({@code __name__} of 100, {@code instance} of 10k, {@code job} of
 * 10, 3 chunks each): decoding one series by ref, looking up one label pair's postings, and
 * intersecting two on-disk postings lists of 1M and 100k refs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class IndexLookupBenchmark {
    private static final int SERIES = 1_000_000;

    private Path dir;
    private IndexReader reader;
    private long[] refs;
    private final SeriesBuilder builder = new SeriesBuilder();
    private final SplittableRandom rnd = new SplittableRandom(1);

    @Setup(Level.Trial)
    public void setup() throws IOException {
        dir = Files.createTempDirectory("index-bench");
        Path file = dir.resolve("index");
        List<Labels> series = new ArrayList<>(SERIES);
        TreeSet<String> symbols = new TreeSet<>(Utf8Order.STRINGS);
        for (int i = 0; i < SERIES; i++) {
            Labels l = Labels.of("__name__", "metric_" + (i % 100), "instance", "host-" + (i / 100 % 10_000) + ":9100",
                    "job", "job" + (i % 10));
            series.add(l);
        }
        series.sort(Utf8Order.LABELS);
        for (Labels l : series) {
            l.forEach((n, v) -> {
                symbols.add(n);
                symbols.add(v);
            });
        }
        refs = new long[SERIES];
        try (IndexWriter w = new IndexWriter(file)) {
            for (String s : symbols) {
                w.addSymbol(s);
            }
            long chunkRef = 8;
            for (int i = 0; i < SERIES; i++) {
                List<ChunkMeta> chunks = List.of(new ChunkMeta(chunkRef, 0, 2_399_999),
                        new ChunkMeta(chunkRef + 150, 2_400_000, 4_799_999), new ChunkMeta(chunkRef + 300, 4_800_000, 7_199_999));
                chunkRef += 450;
                refs[i] = w.addSeries(series.get(i), chunks);
            }
        }
        reader = IndexReader.open(file);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        reader.close();
        Files.deleteIfExists(dir.resolve("index"));
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public SeriesBuilder seriesByRef() {
        reader.series(refs[rnd.nextInt(SERIES)], builder);
        return builder;
    }

    @Benchmark
    public long postingsLookup() {
        Postings p = reader.postings("instance", "host-" + rnd.nextInt(10_000) + ":9100");
        return p.next() ? p.at() : -1;
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long intersectOnDisk1Mx100k() {
        Postings p = IntersectPostings.of(reader.allPostings(), reader.postings("job", "job3"));
        long n = 0;
        while (p.next()) {
            n++;
        }
        return n;
    }
}
