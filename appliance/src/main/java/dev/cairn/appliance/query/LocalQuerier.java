package dev.cairn.appliance.query;

import dev.cairn.tsdb.Db;
import dev.cairn.tsdb.block.Block;
import dev.cairn.tsdb.head.Head;
import dev.cairn.tsdb.index.Utf8Order;
import dev.cairn.tsdb.labels.Matcher;
import dev.cairn.tsdb.storage.MergeSeriesSet;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SelectHints;
import dev.cairn.tsdb.storage.SeriesSet;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The receiver's {@link Db} read as {@link Db#querier} reads it (its blocks and the head, merged), except that
 * each block is read on its own and in full before the merge: a block whose index or chunks turn out damaged
 * fails only its own part, which is left out and reported ({@link DamagedBlocks}), and the head and the other
 * blocks still answer. Reading a block in full costs nothing extra here: the fan-out buffers every endpoint's
 * answer anyway ({@link ProxyQuerier}). The head is read lazily and is never left out: it is memory, not disk.
 */
public final class LocalQuerier implements Querier {
    private final Db db;
    private final Querier head;
    private final long mint;
    private final long maxt;
    private final DamagedBlocks damaged;

    public LocalQuerier(Db db, long mint, long maxt, DamagedBlocks damaged) {
        this.mint = mint;
        this.maxt = maxt;
        this.damaged = damaged;
        this.db = db;
        Head h = db.head();
        head = h.initialized() && h.minTime() <= maxt && mint <= h.maxTime() ? h.querier(mint, maxt) : null;
    }

    @Override
    public SeriesSet select(List<Matcher> matchers) {
        return select(null, matchers);
    }

    @Override
    public SeriesSet select(SelectHints hints, List<Matcher> matchers) {
        // The head first, then the block list: a block cut meanwhile is in the list before the head drops its
        // samples, so whatever the head no longer holds is in a block read here (the merge drops duplicates).
        // The other order loses the samples of a block cut between the two reads.
        SeriesSet fromHead = head == null ? null : hints == null ? head.select(matchers) : head.select(hints, matchers);
        List<BufferedSeries> fromBlocks = List.of();
        for (Block b : blocks()) {
            List<BufferedSeries> read = perBlock(b, q -> {
                List<BufferedSeries> out = new ArrayList<>();
                SeriesSet s = hints == null ? q.select(matchers) : q.select(hints, matchers);
                while (s.next()) {
                    // decoding here, inside the guard, is what catches a bad chunk
                    out.add(BufferedSeries.copyOf(s.at(), mint, maxt));
                }
                return out;
            });
            if (read != null) {
                fromBlocks = fromBlocks.isEmpty() ? read : merge(fromBlocks, read);
            }
        }
        if (fromHead == null) {
            return new ListSeriesSet(fromBlocks);
        }
        return fromBlocks.isEmpty() ? fromHead : MergeSeriesSet.of(List.of(new ListSeriesSet(fromBlocks), fromHead));
    }

    /**
     * Two label-sorted answers as one, a series in both joined into one buffer: the fan-out then takes each
     * buffer as it is instead of merging and copying it again ({@link BufferedSeries#copyOf}).
     */
    static List<BufferedSeries> merge(List<BufferedSeries> a, List<BufferedSeries> b) {
        List<BufferedSeries> out = new ArrayList<>(Math.max(a.size(), b.size()));
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            int c = i == a.size() ? 1 : j == b.size() ? -1
                    : Utf8Order.LABELS.compare(a.get(i).labels(), b.get(j).labels());
            if (c < 0) {
                out.add(a.get(i++));
            } else if (c > 0) {
                out.add(b.get(j++));
            } else {
                out.add(BufferedSeries.join(a.get(i++), b.get(j++)));
            }
        }
        return out;
    }

    @Override
    public List<String> labelValues(String name, List<Matcher> matchers) {
        return union(q -> q.labelValues(name, matchers));
    }

    @Override
    public List<String> labelNames(List<Matcher> matchers) {
        return union(q -> q.labelNames(matchers));
    }

    private List<String> union(Function<Querier, List<String>> call) {
        TreeSet<String> out = new TreeSet<>(Utf8Order.STRINGS);
        if (head != null) {
            out.addAll(call.apply(head)); // before the block list, as in select
        }
        for (Block b : blocks()) {
            List<String> part = perBlock(b, call);
            if (part != null) {
                out.addAll(part);
            }
        }
        return new ArrayList<>(out);
    }

    /** The Db's blocks in range now. */
    private List<Block> blocks() {
        List<Block> in = new ArrayList<>();
        for (Block b : db.blocks()) {
            if (b.meta().overlapsClosed(mint, maxt)) {
                in.add(b);
            }
        }
        return in;
    }

    /** {@code call} on a querier of {@code b}; null when the block is damaged (reported). */
    private <T> T perBlock(Block b, Function<Querier, T> call) {
        try (Querier q = b.querier(mint, maxt)) {
            return call.apply(q);
        } catch (RuntimeException e) {
            if (!DamagedBlocks.isDamage(e)) {
                throw e;
            }
            damaged.report(b.meta().ulid().toString(), DamagedBlocks.reason(e));
            return null;
        }
    }

    @Override
    public void close() {
        if (head != null) {
            head.close();
        }
    }
}
