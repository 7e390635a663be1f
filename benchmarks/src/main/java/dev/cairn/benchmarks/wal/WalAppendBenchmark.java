package dev.cairn.benchmarks.wal;

import dev.cairn.tsdb.fs.Disk;
import dev.cairn.tsdb.wal.SyncPolicy;
import dev.cairn.tsdb.wal.Wal;
import dev.cairn.tsdb.wal.WalOptions;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * WAL append throughput with durable acknowledgements, in records per second (one operation = one
 * {@link Wal#log} call that returned, so its record is fsynced): 8 threads sharing group-commit
 * fsyncs ({@code BATCH}) against one fsync per call ({@code ALWAYS}). MB/s = ops/s × recordBytes.
 *
 * <p>The WAL lives in {@code java.io.tmpdir} (set {@code -Djava.io.tmpdir=} to measure another disk);
 * the figure is bound by the disk's fsync latency, not by the CPU.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@Threads(8)
public class WalAppendBenchmark {
    @Param({"BATCH", "ALWAYS"})
    public SyncPolicy policy;

    @Param({"200", "4096"})
    public int recordBytes;

    private Path dir;
    private Wal wal;

    @Setup(Level.Trial)
    public void open() throws IOException {
        dir = Files.createTempDirectory("cairn-wal-bench");
        wal = Wal.open(dir, WalOptions.defaults().withSyncPolicy(policy));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        wal.close();
        Disk.local().delete(dir);
    }

    /** A record per thread, so threads do not share the array they log. */
    @State(Scope.Thread)
    public static class Record {
        byte[] bytes;

        @Setup
        public void make(WalAppendBenchmark b) {
            bytes = new byte[b.recordBytes];
            new SplittableRandom(Thread.currentThread().getId()).nextBytes(bytes);
        }
    }

    @Benchmark
    public void log(Record r) throws IOException {
        wal.log(r.bytes);
    }
}
