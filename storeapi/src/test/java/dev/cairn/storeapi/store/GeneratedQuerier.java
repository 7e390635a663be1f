package dev.cairn.storeapi.store;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A querier over {@code count} generated series of 10 samples each, that counts the series the
 * server pulls, optionally sleeps per series, and signals its close: what the cancellation and
 * deadline tests observe.
 */
final class GeneratedQuerier implements Querier {
    final AtomicLong pulled = new AtomicLong();
    final CountDownLatch closed = new CountDownLatch(1);
    private final int count;
    private final long sleepMillis;

    GeneratedQuerier(int count, long sleepMillis) {
        this.count = count;
        this.sleepMillis = sleepMillis;
    }

    @Override
    public SeriesSet select(List<Matcher> matchers) {
        return new SeriesSet() {
            int i;

            @Override
            public boolean next() {
                if (i >= count) {
                    return false;
                }
                if (sleepMillis > 0) {
                    try {
                        Thread.sleep(sleepMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted", e);
                    }
                }
                i++;
                pulled.incrementAndGet();
                return true;
            }

            @Override
            public Series at() {
                Labels l = Labels.of("__name__", "gen", "i", String.format("%09d", i));
                return new Series() {
                    @Override
                    public Labels labels() {
                        return l;
                    }

                    @Override
                    public ChunkIterator iterator(ChunkIterator reuse) {
                        long[] ts = new long[10];
                        double[] vs = new double[10];
                        for (int k = 0; k < 10; k++) {
                            ts[k] = k * 1000L;
                            vs[k] = k;
                        }
                        return new ArraySamples(ts, vs);
                    }
                };
            }
        };
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        return List.of();
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        return List.of();
    }

    @Override
    public void close() {
        closed.countDown();
    }
}
