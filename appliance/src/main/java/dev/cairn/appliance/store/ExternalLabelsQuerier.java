package dev.cairn.appliance.store;

import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SelectHints;
import dev.cairn.tsdb.storage.Series;
import dev.cairn.tsdb.storage.SeriesSet;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A querier whose series carry the given external labels, as Thanos Receive serves its TSDB: the
 * receiver's local data then has the same labels as the blocks it ships (which get the external
 * labels in meta.json), so a series read partly from the local head and partly from the bucket is
 * one series, not two. Matchers on external labels are decided against the labels' values and not
 * passed on; series are sorted again, since adding labels can change their order.
 */
public final class ExternalLabelsQuerier implements Querier {
    /** Selects every series of a Prometheus TSDB (each has a metric name), when only external labels were matched. */
    private static final Matcher ANY_SERIES = Matcher.regex(Labels.METRIC_NAME, ".+");

    private final Querier inner;
    private final Labels external;

    public ExternalLabelsQuerier(Querier inner, Labels external) {
        this.inner = inner;
        this.external = external;
    }

    /** {@code inner} as it is when there are no external labels. */
    public static Querier wrap(Querier inner, Labels external) {
        return external.isEmpty() ? inner : new ExternalLabelsQuerier(inner, external);
    }

    /** Local matchers, or null when an external-label matcher rules everything out. */
    private List<Matcher> local(List<Matcher> matchers) {
        List<Matcher> out = new ArrayList<>(matchers.size());
        for (Matcher m : matchers) {
            if (external.has(m.name())) {
                if (!m.matches(external.get(m.name()))) {
                    return null;
                }
            } else {
                out.add(m);
            }
        }
        if (out.isEmpty() && !matchers.isEmpty()) {
            out.add(ANY_SERIES);
        }
        return out;
    }

    @Override
    public SeriesSet select(List<Matcher> matchers) {
        List<Matcher> local = local(matchers);
        return local == null ? relabel(null) : relabel(inner.select(local));
    }

    @Override
    public SeriesSet select(SelectHints hints, List<Matcher> matchers) {
        List<Matcher> local = local(matchers);
        return local == null ? relabel(null) : relabel(inner.select(hints, local));
    }

    private SeriesSet relabel(SeriesSet in) {
        List<Series> out = new ArrayList<>();
        while (in != null && in.next()) {
            Series s = in.at();
            out.add(new Relabeled(BlockSelect.withExternal(s.labels(), external), s));
        }
        out.sort((a, b) -> Utf8Order.LABELS.compare(a.labels(), b.labels()));
        return new SeriesSet() {
            private int i = -1;

            @Override
            public boolean next() {
                return ++i < out.size();
            }

            @Override
            public Series at() {
                return out.get(i);
            }
        };
    }

    private record Relabeled(Labels labels, Series inner) implements Series {
        @Override
        public ChunkIterator iterator(ChunkIterator reuse) {
            return inner.iterator(reuse);
        }
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        List<Matcher> local = local(matchers);
        if (local == null) {
            return List.of();
        }
        if (external.has(name)) {
            return inner.labelNames(local).isEmpty() ? List.of() : List.of(external.get(name));
        }
        return inner.labelValues(name, local);
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        List<Matcher> local = local(matchers);
        if (local == null) {
            return List.of();
        }
        List<String> names = inner.labelNames(local);
        if (names.isEmpty()) {
            return names;
        }
        TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
        out.addAll(names);
        external.forEach((n, v) -> out.add(n));
        return new ArrayList<>(out);
    }

    @Override
    public void close() {
        inner.close();
    }
}
