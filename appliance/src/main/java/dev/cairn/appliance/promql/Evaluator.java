package dev.cairn.appliance.promql;

import dev.cairn.appliance.promql.parser.AggregateExpr;
import dev.cairn.appliance.promql.parser.AtModifier;
import dev.cairn.appliance.promql.parser.BinaryExpr;
import dev.cairn.appliance.promql.parser.Call;
import dev.cairn.appliance.promql.parser.Expr;
import dev.cairn.appliance.promql.parser.MatrixSelector;
import dev.cairn.appliance.promql.parser.NumberLiteral;
import dev.cairn.appliance.promql.parser.ParenExpr;
import dev.cairn.appliance.promql.parser.StringLiteral;
import dev.cairn.appliance.promql.parser.SubqueryExpr;
import dev.cairn.appliance.promql.parser.UnaryExpr;
import dev.cairn.appliance.promql.parser.ValueType;
import dev.cairn.appliance.promql.parser.VectorSelector;
import dev.cairn.tsdb.chunk.ChunkIterator;
import dev.cairn.tsdb.labels.Labels;
import dev.cairn.tsdb.storage.Querier;
import dev.cairn.tsdb.storage.SelectHints;
import dev.cairn.tsdb.storage.SeriesSet;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/*
 * The evaluator walks the AST once for the whole query range, as Prometheus's does: every node
 * evaluates to a matrix holding one point per step at which it has a value (a "step matrix"). Nodes
 * that combine instant vectors (operators, aggregations, most functions) go through rangeEval, which
 * slices their inputs step by step into StepVectors and collects the outputs by label set. Range
 * functions walk each selected series once with a sliding window over primitive arrays.
 *
 * Time semantics (Prometheus 2.x): an instant selector at step t reads the newest sample in
 * [t - offset - lookback, t - offset] unless that sample is a stale marker; a range selector reads
 * [t - offset - range, t - offset], both ends inclusive, without stale markers. "@ T" replaces t by T
 * (start()/end() by the query's start/end). A subquery evaluates its expression at the multiples of
 * its step from the first one at or after (start - offset - range) up to (end - offset).
 *
 * Errors are thrown as PromqlException with Prometheus's texts; Engine passes them on.
 */
final class Evaluator {
    static final long STALE_NAN_BITS = 0x7ff0000000000002L;

    private final QueryContext ctx;
    final long start;
    final long end;
    final long interval;
    private final int numSteps;
    /**
     * The function or aggregation the selectors evaluated now are arguments of, for the select hints
     * (Prometheus's extractFuncFromPath: the innermost call or aggregation, "" below a binary operator).
     */
    private String hintFunc = "";

    Evaluator(QueryContext ctx, long start, long end, long interval) {
        this.ctx = ctx;
        this.start = start;
        this.end = end;
        this.interval = interval;
        this.numSteps = (int) ((end - start) / interval) + 1;
    }

    static boolean isStale(double v) {
        return Double.doubleToRawLongBits(v) == STALE_NAN_BITS;
    }

    /** Evaluates to a list of step series (instant vector, scalar, range vector) or a String. */
    Object eval(Expr expr) {
        ctx.checkDone();
        if (expr instanceof ParenExpr p) {
            return eval(p.expr());
        } else if (expr instanceof NumberLiteral n) {
            double v = n.value();
            return rangeEval(null, (args, ts, step, out) -> out.add(Labels.EMPTY, ts, v));
        } else if (expr instanceof StringLiteral s) {
            return s.value();
        } else if (expr instanceof VectorSelector vs) {
            return evalVectorSelector(vs, false);
        } else if (expr instanceof MatrixSelector ms) {
            if (start != end) {
                throw PromqlException.execution("cannot do range evaluation of matrix selector");
            }
            return evalMatrixSelector(ms);
        } else if (expr instanceof SubqueryExpr sq) {
            return evalSubquery(sq);
        } else if (expr instanceof UnaryExpr u) {
            List<SeriesBuilder> m = matrix(u.expr());
            if (u.op() == dev.cairn.appliance.promql.parser.BinaryOp.SUB) {
                for (SeriesBuilder s : m) {
                    s.labels = dropName(s.labels);
                    for (int i = 0; i < s.n; i++) {
                        s.vs[i] = -s.vs[i];
                    }
                }
                checkDistinct(m);
            }
            return m;
        } else if (expr instanceof BinaryExpr b) {
            String saved = hintFunc;
            hintFunc = "";
            try {
                return BinaryOps.eval(this, b);
            } finally {
                hintFunc = saved;
            }
        } else if (expr instanceof AggregateExpr a) {
            String saved = hintFunc;
            hintFunc = a.op().text();
            try {
                return Aggregations.eval(this, a);
            } finally {
                hintFunc = saved;
            }
        } else if (expr instanceof Call c) {
            String saved = hintFunc;
            hintFunc = c.function().name();
            try {
                return evalCall(c);
            } finally {
                hintFunc = saved;
            }
        }
        throw new IllegalStateException("unhandled expression of type " + expr.getClass().getSimpleName());
    }

    @SuppressWarnings("unchecked")
    List<SeriesBuilder> matrix(Expr e) {
        return (List<SeriesBuilder>) eval(e);
    }

    /** A per-step function of instant vectors (scalars come as one-element vectors). */
    interface StepFn {
        void apply(StepVector[] args, long ts, int step, StepVector out);
    }

    /**
     * Evaluates {@code exprs} (string-typed ones are skipped and passed as empty vectors) and calls
     * {@code fn} once per step with their values at that step; collects the outputs into series.
     * {@code prep}, when given, computes each input series' aux value once.
     */
    List<SeriesBuilder> rangeEval(Function<Labels, Object> prep, StepFn fn, Expr... exprs) {
        int k = exprs.length;
        // Sample accounting as Prometheus's rangeEval: the inputs' matrices count while this node runs,
        // each step's input vectors count again on top, and outputs accumulate; at the end only the
        // output remains counted.
        long originalSamples = ctx.samples;
        List<List<SeriesBuilder>> inputs = new ArrayList<>(k);
        Object[][] aux = new Object[k][];
        StepVector[] args = new StepVector[k];
        for (int i = 0; i < k; i++) {
            args[i] = new StepVector();
            if (exprs[i] == null || exprs[i].type() == ValueType.STRING) {
                inputs.add(List.of());
                aux[i] = new Object[0];
                continue;
            }
            List<SeriesBuilder> m = matrix(exprs[i]);
            for (SeriesBuilder s : m) {
                s.cursor = 0;
            }
            inputs.add(m);
            aux[i] = new Object[m.size()];
            if (prep != null) {
                for (int si = 0; si < m.size(); si++) {
                    aux[i][si] = prep.apply(m.get(si).labels);
                }
            }
        }
        long tempSamples = ctx.samples;
        StepVector out = new StepVector();
        Map<Labels, SeriesBuilder> result = new LinkedHashMap<>();
        Set<Labels> seen = new HashSet<>();
        int step = 0;
        for (long ts = start; ts <= end; ts += interval, step++) {
            ctx.checkDone();
            ctx.samples = tempSamples;
            for (int i = 0; i < k; i++) {
                StepVector a = args[i];
                a.clear();
                List<SeriesBuilder> m = inputs.get(i);
                for (int si = 0, sn = m.size(); si < sn; si++) {
                    SeriesBuilder s = m.get(si);
                    if (s.cursor < s.n && s.ts[s.cursor] == ts) {
                        a.add(s.labels, ts, s.vs[s.cursor], aux[i][si]);
                        s.cursor++;
                    }
                }
                ctx.addSamples(a.n);
            }
            out.clear();
            fn.apply(args, ts, step, out);
            if (out.n > 1) {
                seen.clear();
                for (int j = 0; j < out.n; j++) {
                    if (!seen.add(out.labels[j])) {
                        throw PromqlException.execution("vector cannot contain metrics with the same labelset");
                    }
                }
            }
            ctx.addSamples(out.n);
            tempSamples += out.n;
            for (int j = 0; j < out.n; j++) {
                SeriesBuilder sb = result.get(out.labels[j]);
                if (sb == null) {
                    sb = new SeriesBuilder(out.labels[j], Math.min(numSteps, 64));
                    result.put(out.labels[j], sb);
                }
                sb.add(ts, out.v[j]);
            }
        }
        List<SeriesBuilder> mat = new ArrayList<>(result.values());
        ctx.samples = originalSamples + total(mat);
        return mat;
    }

    static long total(List<SeriesBuilder> m) {
        long n = 0;
        for (SeriesBuilder s : m) {
            n += s.n;
        }
        return n;
    }

    // ---- selectors ----

    /** The time a selector reads at for evaluation step {@code ts}. */
    long refTime(long ts, long offset, AtModifier at) {
        return switch (at.kind()) {
            case NONE -> ts - offset;
            case TIMESTAMP -> at.timestampMs() - offset;
            case START -> ctx.queryStart - offset;
            case END -> ctx.queryEnd - offset;
        };
    }

    /** Loads all samples of matching series in [mint, maxt], keeping stale markers if asked. */
    List<SeriesBuilder> select(VectorSelector vs, long mint, long maxt, boolean keepStale) {
        return select(vs, mint, maxt, keepStale, 0);
    }

    /** As above; {@code rangeMs} is the range of the range selector around {@code vs} (0 for none). */
    List<SeriesBuilder> select(VectorSelector vs, long mint, long maxt, boolean keepStale, long rangeMs) {
        List<SeriesBuilder> out = new ArrayList<>();
        SelectHints hints = new SelectHints(mint, maxt, start == end ? 0 : interval, hintFunc, rangeMs,
                SelectHints.AUTO);
        try (Querier q = ctx.queriers.querier(mint, maxt)) {
            SeriesSet set = q.select(hints, vs.matchers());
            ChunkIterator it = null;
            while (set.next()) {
                ctx.checkDone();
                dev.cairn.tsdb.storage.Series s = set.at();
                it = s.iterator(it);
                SeriesBuilder sb = new SeriesBuilder(s.labels(), 16);
                if (it.seek(mint)) {
                    do {
                        long t = it.atT();
                        if (t > maxt) {
                            break;
                        }
                        double v = it.atV();
                        if (keepStale || !isStale(v)) {
                            sb.add(t, v);
                        }
                    } while (it.next());
                }
                out.add(sb);
            }
        } catch (PromqlException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PromqlException(PromqlException.Type.EXECUTION, "expanding series: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Instant selector over all steps. With {@code sampleTimes} the values are the sample timestamps
     * in seconds (for timestamp()) instead of the sample values.
     */
    List<SeriesBuilder> evalVectorSelector(VectorSelector vs, boolean sampleTimes) {
        long first = refTime(start, vs.offsetMs(), vs.at());
        long last = refTime(end, vs.offsetMs(), vs.at());
        long lookback = ctx.options.lookbackDeltaMs();
        List<SeriesBuilder> raw = select(vs, first - lookback, last, true);
        List<SeriesBuilder> out = new ArrayList<>(raw.size());
        for (SeriesBuilder r : raw) {
            SeriesBuilder sb = new SeriesBuilder(r.labels, Math.min(numSteps, 64));
            int j = -1; // index of the newest sample at or before the reference time
            for (long ts = start; ts <= end; ts += interval) {
                long ref = refTime(ts, vs.offsetMs(), vs.at());
                while (j + 1 < r.n && r.ts[j + 1] <= ref) {
                    j++;
                }
                if (j < 0 || r.ts[j] < ref - lookback || isStale(r.vs[j])) {
                    continue;
                }
                ctx.addSamples(1);
                sb.add(ts, sampleTimes ? r.ts[j] / 1000.0 : r.vs[j]);
            }
            if (sb.n > 0) {
                out.add(sb);
            }
        }
        return out;
    }

    /** A range selector at an instant query: the raw samples of the window, stale markers dropped. */
    private List<SeriesBuilder> evalMatrixSelector(MatrixSelector ms) {
        VectorSelector vs = ms.selector();
        long maxt = refTime(start, vs.offsetMs(), vs.at());
        long mint = maxt - ms.rangeMs();
        List<SeriesBuilder> raw = select(vs, mint, maxt, false, ms.rangeMs());
        List<SeriesBuilder> out = new ArrayList<>(raw.size());
        for (SeriesBuilder r : raw) {
            if (r.n > 0) {
                ctx.addSamples(r.n);
                out.add(r);
            }
        }
        return out;
    }

    /** A subquery's inner evaluation: points at its own aligned steps (see the class comment). */
    private List<SeriesBuilder> evalSubquery(SubqueryExpr sq) {
        long step = sq.stepMs() != 0 ? sq.stepMs() : ctx.options.noStepSubqueryIntervalMs();
        long first = refTime(start, sq.offsetMs(), sq.at());
        long last = refTime(end, sq.offsetMs(), sq.at());
        long from = first - sq.rangeMs();
        // Go's integer division truncates toward zero, as Java's does; then round up to >= from.
        long innerStart = step * (from / step);
        if (innerStart < from) {
            innerStart += step;
        }
        if (innerStart > last) {
            return new ArrayList<>();
        }
        Evaluator inner = new Evaluator(ctx, innerStart, last, step);
        inner.hintFunc = hintFunc;
        List<SeriesBuilder> res = inner.matrix(sq.expr());
        for (SeriesBuilder s : res) {
            s.cursor = 0;
        }
        return res;
    }

    // ---- functions ----

    private Object evalCall(Call c) {
        String name = c.function().name();
        List<Expr> args = c.args();
        if (name.equals("timestamp")) {
            Expr a = unwrap(args.get(0));
            if (a instanceof VectorSelector vs) {
                List<SeriesBuilder> m = evalVectorSelector(vs, true);
                for (SeriesBuilder s : m) {
                    s.labels = dropName(s.labels);
                }
                checkDistinct(m);
                return m;
            }
        }
        int matrixArg = -1;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).type() == ValueType.MATRIX) {
                matrixArg = i;
                break;
            }
        }
        if (matrixArg < 0) {
            StepFn fn = InstantFunctions.of(c);
            return rangeEval(null, fn, args.toArray(new Expr[0]));
        }
        return RangeFunctions.eval(this, c, matrixArg);
    }

    /** One window source for a range function: series with primitive arrays and the window rule. */
    record WindowSource(List<SeriesBuilder> series, long rangeMs, long offsetMs, AtModifier at) {
    }

    /** The series a range function walks: a range selector's raw data or a subquery's points. */
    WindowSource windowSource(Expr arg) {
        Expr a = unwrap(arg);
        if (a instanceof MatrixSelector ms) {
            VectorSelector vs = ms.selector();
            long first = refTime(start, vs.offsetMs(), vs.at());
            long last = refTime(end, vs.offsetMs(), vs.at());
            return new WindowSource(select(vs, first - ms.rangeMs(), last, false, ms.rangeMs()), ms.rangeMs(), vs.offsetMs(),
                    vs.at());
        }
        if (a instanceof SubqueryExpr sq) {
            return new WindowSource(evalSubquery(sq), sq.rangeMs(), sq.offsetMs(), sq.at());
        }
        throw new IllegalStateException("range function argument is neither a range selector nor a subquery: "
                + a.getClass().getSimpleName());
    }

    int numSteps() {
        return numSteps;
    }

    QueryContext ctx() {
        return ctx;
    }

    static Expr unwrap(Expr e) {
        while (e instanceof ParenExpr p) {
            e = p.expr();
        }
        return e;
    }

    static Labels dropName(Labels l) {
        if (!l.has(Labels.METRIC_NAME)) {
            return l;
        }
        return l.toBuilder().delete(Labels.METRIC_NAME).build();
    }

    static void checkDistinct(List<SeriesBuilder> m) {
        if (m.size() < 2) {
            return;
        }
        Set<Labels> seen = new HashSet<>();
        for (SeriesBuilder s : m) {
            if (!seen.add(s.labels)) {
                throw PromqlException.execution("vector cannot contain metrics with the same labelset");
            }
        }
    }
}
