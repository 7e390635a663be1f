package dev.cairn.appliance.store;

import dev.cairn.appliance.query.DamagedBlocks;
import dev.cairn.tsdb.block.Ulid;
import dev.cairn.tsdb.downsample.AggrRead;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.MergeSeriesSet;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SelectHints;
import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The bucket's blocks over [mint, maxt] as one querier. A select picks the blocks by resolution
 * ({@link ResolutionChoice}: {@link SelectHints#effectiveMaxResolution()}), reads each
 * ({@link BlockSelect}) with the aggregate the hints' function calls for ({@link AggrRead#forFunction}),
 * and merges series of equal labels across blocks. A damaged block is reported to the store and left
 * out; a bucket that cannot be read fails the call (the query layer turns that into a warning).
 */
final class BucketQuerier implements Querier {
    private final BucketStore store;
    private final List<BucketBlock> blocks;
    private final long mint;
    private final long maxt;
    private final DamagedBlocks damaged;
    /** Blocks in range already known damaged: reported once by this querier's first call. */
    private Map<Ulid, String> knownDamaged;

    BucketQuerier(BucketStore store, List<BucketBlock> blocks, long mint, long maxt, DamagedBlocks damaged,
                  Map<Ulid, String> knownDamaged) {
        this.store = store;
        this.blocks = blocks;
        this.mint = mint;
        this.maxt = maxt;
        this.damaged = damaged;
        this.knownDamaged = knownDamaged;
    }

    /** Reports the blocks left out before any read: damaged when an earlier query read them. */
    private synchronized void reportKnown() {
        if (knownDamaged != null && damaged != null) {
            knownDamaged.forEach((id, why) -> damaged.report(id.toString(), why));
        }
        knownDamaged = null;
    }

    /** Leaves {@code b} out of this and later answers, and says so in this one. */
    private void leaveOut(BucketBlock b, RuntimeException e) {
        store.markCorrupt(b, e);
        if (damaged != null) {
            damaged.report(b.meta().ulid().toString(), DamagedBlocks.reason(e));
        }
    }

    @Override
    public SeriesSet select(List<Matcher> matchers) {
        return select(SelectHints.none(mint, maxt), matchers);
    }

    @Override
    public SeriesSet select(SelectHints hints, List<Matcher> matchers) {
        reportKnown();
        AggrRead read = AggrRead.forFunction(hints.func());
        List<ResolutionChoice.Choice> chosen = ResolutionChoice.choose(blocks, mint, maxt, hints.effectiveMaxResolution());
        // blocks are read concurrently: each costs a few round trips to the bucket, milliseconds on S3
        List<Future<List<StoreSeries>>> futures = new ArrayList<>(chosen.size());
        for (ResolutionChoice.Choice c : chosen) {
            futures.add(store.readPool().submit(
                    () -> BlockSelect.select(c.block(), matchers, c.mint(), c.maxt(), read)));
        }
        List<SeriesSet> sets = new ArrayList<>();
        try {
            for (int i = 0; i < chosen.size(); i++) {
                BucketBlock b = chosen.get(i).block();
                try {
                    sets.add(new Listed(futures.get(i).get()));
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException r && DamagedBlocks.isDamage(r)) {
                        leaveOut(b, r);
                    } else if (c instanceof IOException io) {
                        throw new UncheckedIOException("store: read " + b + " from the bucket: " + io.getMessage(), io);
                    } else if (c instanceof UncheckedIOException u) {
                        throw u;
                    } else if (c instanceof RuntimeException r) {
                        throw r;
                    } else {
                        throw new IllegalStateException("store: read " + b, c);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("store: interrupted while reading blocks");
        } finally {
            for (Future<?> f : futures) {
                f.cancel(true);
            }
        }
        return sets.isEmpty() ? new Listed(List.of()) : MergeSeriesSet.of(sets);
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        reportKnown();
        TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
        for (BucketBlock b : blocks) {
            try {
                if (matchers.isEmpty()) {
                    if (b.external().has(name)) {
                        out.add(b.external().get(name));
                    } else {
                        out.addAll(b.header().labelValues(name));
                    }
                    continue;
                }
                for (Labels l : BlockSelect.labels(b, matchers)) {
                    String v = l.get(name);
                    if (!v.isEmpty()) {
                        out.add(v);
                    }
                }
            } catch (RuntimeException e) {
                if (!DamagedBlocks.isDamage(e)) {
                    throw e;
                }
                leaveOut(b, e);
            } catch (IOException e) {
                throw new UncheckedIOException("store: read label values from " + b, e);
            }
        }
        return new ArrayList<>(out);
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        reportKnown();
        TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
        for (BucketBlock b : blocks) {
            try {
                if (matchers.isEmpty()) {
                    out.addAll(b.header().labelNames());
                    b.external().forEach((n, v) -> out.add(n));
                    continue;
                }
                for (Labels l : BlockSelect.labels(b, matchers)) {
                    for (int i = 0; i < l.size(); i++) {
                        out.add(l.name(i));
                    }
                }
            } catch (RuntimeException e) {
                if (!DamagedBlocks.isDamage(e)) {
                    throw e;
                }
                leaveOut(b, e);
            } catch (IOException e) {
                throw new UncheckedIOException("store: read label names from " + b, e);
            }
        }
        return new ArrayList<>(out);
    }

    @Override
    public void close() {
        // nothing held: series own their fetched chunks
    }

    /** A block's series, already in label order. */
    private static final class Listed implements SeriesSet {
        private final List<? extends Series> series;
        private int i = -1;

        Listed(List<? extends Series> series) {
            this.series = series;
        }

        @Override
        public boolean next() {
            return ++i < series.size();
        }

        @Override
        public Series at() {
            return series.get(i);
        }
    }
}
